import Testing
@Test func placeholder_SenimCLITests() {}
