import Foundation
import Testing
import SenimCore
@testable import SenimStore

/// Where the configuration comes from, loading it from memory, and what a store remembers of it.
@Suite struct ConfigFilesTests {
    /// Every file under Config/, keyed by relative path, as the EmbedConfig plugin embeds them.
    static func configFiles(_ root: URL = TestSupport.configDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let rel = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            files[rel] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func precedenceIsOptionThenEnvironmentThenSystemThenBuiltIn() throws {
        let system = TestSupport.tempDirectory("etc")
        defer { TestSupport.cleanup(system) }
        let env = ["SENIM_CONFIG": "/from/env"]
        // An /etc/senim without catalogue.json is not a configuration.
        #expect(ConfigFiles.locate(explicit: nil, environment: [:], system: system.path) == .builtIn)
        try Data("{}".utf8).write(to: system.appendingPathComponent("catalogue.json"))
        #expect(ConfigFiles.locate(explicit: nil, environment: [:], system: system.path) == .system(URL(fileURLWithPath: system.path)))
        #expect(ConfigFiles.locate(explicit: nil, environment: env, system: system.path) == .environment(URL(fileURLWithPath: "/from/env")))
        #expect(ConfigFiles.locate(explicit: "/opt", environment: env, system: system.path) == .option(URL(fileURLWithPath: "/opt")))
        // Empty values count as unset.
        #expect(ConfigFiles.locate(explicit: "", environment: ["SENIM_CONFIG": ""], system: "/nonexistent") == .builtIn)
    }

    @Test func inMemoryFilesLoadLikeTheFolder() throws {
        let fromMemory = try ConfigFiles.load(files: try Self.configFiles())
        let fromDisk = TestSupport.configuration
        #expect(fromMemory.catalogue == fromDisk.catalogue)
        #expect(fromMemory.uic == fromDisk.uic)
        #expect(fromMemory.points == fromDisk.points)
        for lang in Language.allCases {
            #expect(fromMemory.strings.t("doctor.title", lang, ["1", "x"]) == fromDisk.strings.t("doctor.title", lang, ["1", "x"]))
        }
        #expect(ConfigFingerprint(fromMemory) == ConfigFingerprint(fromDisk))
        // A missing file is named.
        var files = try Self.configFiles()
        files["uic.json"] = nil
        #expect(throws: ConfigError.self) { try ConfigFiles.load(files: files) }
        do { _ = try ConfigFiles.load(files: files) } catch let e as ConfigError { #expect(e.file.hasSuffix("uic.json")) }
        // A missing translation in one language fails, as from disk.
        files = try Self.configFiles()
        var kk = try JSONSerialization.jsonObject(with: files["locales/kk/setup.json"]!) as! [String: String]
        kk["doctor.title"] = nil
        files["locales/kk/setup.json"] = try JSONSerialization.data(withJSONObject: kk)
        #expect(throws: ConfigError.self) { try ConfigFiles.load(files: files) }
    }

    @Test func fingerprintIgnoresNamesButNotMeaning() throws {
        let base = TestSupport.configuration
        let f = ConfigFingerprint(base)
        var renamed = base
        renamed.catalogue.items[0].names = LocalizedText(en: "Renamed", ru: "Иначе", kk: "Басқаша")
        #expect(ConfigFingerprint(renamed) == f)
        var fewer = base
        fewer.catalogue.items.removeLast()
        #expect(ConfigFingerprint(fewer).catalogue != f.catalogue && ConfigFingerprint(fewer).uic == f.uic)
        var formula = base
        formula.uic.padding = formula.uic.padding == "X" ? "Z" : "X"
        #expect(ConfigFingerprint(formula).uic != f.uic && ConfigFingerprint(formula).catalogue == f.catalogue)
        // Stored form round-trips; anything else is refused.
        #expect(ConfigFingerprint(stored: f.stored) == f)
        for bad in ["", "v2 catalogue=ab uic=cd", "v1 catalogue= uic=cd", "v1 catalogue=zz uic=cd", "v1 uic=cd catalogue=ab"] {
            #expect(ConfigFingerprint(stored: Array(bad.utf8)) == nil, "\(bad)")
        }
        #expect(ConfigFingerprint(stored: [0xFF, 0xFE]) == nil)
    }

    @Test func storeRemembersItsConfigurationAndWarnsAboutWhatItsDataUses() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        #expect(s.recordedFingerprint == ConfigFingerprint(TestSupport.configuration))
        #expect(s.configurationWarnings.isEmpty)
        try s.save([TestSupport.contact(s, n: 1)])   // uses syringe-2ml at almaty-central
        s.close()

        // A configuration without that item and that point: the data keeps them, the user is told.
        var changed = TestSupport.configuration
        changed.catalogue.items.removeAll { $0.id == "syringe-2ml" }
        changed.catalogue.packs = changed.catalogue.packs.filter { $0.items["syringe-2ml"] == nil }
        changed.points.points.removeAll { $0.id == TestSupport.point }
        let t = try Session.open(at: dir, user: "aigerim", passphrase: "correct horse", configuration: changed, derivation: TestSupport.derivation)
        defer { t.close() }
        let keys = t.configurationWarnings.map(\.key)
        #expect(keys.contains("config.missing.items") && keys.contains("config.missing.points"), "\(keys)")
        #expect(!keys.contains("config.changed.uic"))
        let items = try #require(t.configurationWarnings.first { $0.key == "config.missing.items" })
        #expect(items.args == ["syringe-2ml"])
        let text = items.text(changed.strings, .ru)
        #expect(text.contains("syringe-2ml") && text.contains("catalogue.json"))
        #expect(ConfigurationCoverage(ledger: t.ledger, configuration: TestSupport.configuration).isComplete)
    }

    @Test func changedFormulaIsReported() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        var changed = TestSupport.configuration
        changed.uic.padding = changed.uic.padding == "X" ? "Z" : "X"
        let s = try Session.open(at: dir, user: "aigerim", passphrase: "correct horse", configuration: changed, derivation: TestSupport.derivation)
        defer { s.close() }
        #expect(s.configurationWarnings.map(\.key) == ["config.changed.uic"])
    }
}
