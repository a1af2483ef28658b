import Testing
@Test func placeholder_SenimStoreTests() {}
