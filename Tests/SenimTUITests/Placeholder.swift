import Testing
@Test func placeholder_SenimTUITests() {}
