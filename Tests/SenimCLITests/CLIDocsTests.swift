import Foundation
import Testing

/// docs/cli.md is the reference and the README documents the exit codes: both must cover
/// what the binary actually has.
@Suite struct CLIDocsTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: CLI.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func referenceCoversEveryCommand() throws {
        let doc = try Self.read("docs/cli.md")
        for path in CLIHelpTests.commands where path != ["dev"] {
            let name = "senim " + path.joined(separator: " ")
            let groups: Set<String> = ["user", "client", "contact", "referral", "sync"]
            if path.count == 1 && groups.contains(path[0]) { continue }
            #expect(doc.contains(name), "docs/cli.md does not mention `\(name)`")
        }
    }

    @Test func exitCodesAreTheSameInHelpReferenceAndReadme() throws {
        let help = try CLI.run(["--help"]).out
        let doc = try Self.read("docs/cli.md")
        let readme = try Self.read("README.md")
        let codes = help.split(separator: "\n").compactMap { line -> Int? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("  "), let n = Int(t.prefix(while: \.isNumber)), t.dropFirst(String(n).count).hasPrefix("  ") else { return nil }
            return n
        }
        #expect(codes == [0, 64, 65, 66, 70, 73, 74, 75, 77, 78])
        for c in codes {
            #expect(doc.contains("| \(c) |"), "docs/cli.md lacks exit code \(c)")
            #expect(readme.contains("| \(c) |"), "README.md lacks exit code \(c)")
        }
    }

    @Test func everyCLIStringExistsInAllThreeLanguages() throws {
        var keys: [String: Set<String>] = [:]
        for lang in ["en", "ru", "kk"] {
            let data = try Data(contentsOf: CLI.config.appendingPathComponent("locales/\(lang)/cli.json"))
            let table = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
            keys[lang] = Set(table.keys)
            if lang != "en" {
                // Real translations, not English copies (column ids like "id" may coincide).
                let en = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.config.appendingPathComponent("locales/en/cli.json"))) as! [String: String]
                let same = table.filter { en[$0.key] == $0.value && $0.value.count > 3 }
                #expect(same.isEmpty, "\(lang) copies English for \(same.keys.sorted())")
            }
        }
        #expect(keys["en"] == keys["ru"] && keys["en"] == keys["kk"])
        // Every key the sources use is defined.
        let sources = CLI.packageRoot.appendingPathComponent("Sources/senim")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        var used = Set<String>()
        for f in files {
            let text = try String(contentsOf: f, encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "\"cli.") {
                let tail = rest[r.upperBound...]
                let key = "cli." + tail.prefix { $0.isLetter || $0 == "." }
                if !key.hasSuffix(".") { used.insert(String(key)) }
                rest = tail
            }
        }
        #expect(!used.isEmpty)
        for k in used.sorted() { #expect(keys["en"]!.contains(k), "\(k) is used but not in cli.json") }
    }
}
