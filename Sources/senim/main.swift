print("senim")
