import CNcursesw
public enum SenimTUIModule {}
