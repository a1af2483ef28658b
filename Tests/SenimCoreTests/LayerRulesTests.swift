import Foundation
import SenimTestSupport
import Testing

/// The architecture's layer rules (docs/architecture.md, "Rules that keep the shape"), checked
/// on the `import` lines of every Swift file under Sources/: a change that breaks one fails CI.
enum LayerRules {
    /// What each module may import. A module folder missing here is a failure too, so that a
    /// new module gets a rule.
    static let allowed: [String: Set<String>] = [
        // Pure domain: Foundation for Data, Calendar and JSON only.
        "SenimCore": ["Foundation"],
        "SenimStore": ["Foundation", "SenimCore", "Crypto", "CryptoExtras", "Glibc", "Musl", "Darwin"],
        // Knows the domain, not the store: the executable wires the store in (Sources/senim/Support/StoreBridge.swift: Session conforms to StoreAccess / TUIBackend).
        "SenimTUI": ["Foundation", "SenimCore", "CNcursesw", "Glibc", "Musl", "Darwin"],
        // The composition root.
        "senim": ["Foundation", "SenimCore", "SenimStore", "SenimTUI", "ArgumentParser", "Glibc", "Musl", "Darwin"],
        "SenimTestSupport": ["Foundation", "SenimCore", "SenimTUI"],
        // Test and build tools (not installed).
        "senim-tui-harness": ["Foundation", "SenimCore", "SenimStore", "SenimTUI", "SenimTestSupport"],
        "senim-store-torture": ["Foundation", "SenimCore", "SenimStore", "Glibc", "Musl", "Darwin"],
        "senim-embed-config": ["Foundation"],
    ]
    /// Modules that ship: no test support, no `@testable import`.
    static let production: Set<String> = ["SenimCore", "SenimStore", "SenimTUI", "senim"]
    /// The one file that speaks curses.
    static let cursesFile = "SenimTUI/Driver/Terminal.swift"

    struct Import: Equatable {
        var module: String
        var testable: Bool
    }

    /// The modules a Swift source imports (`import X`, `@testable import X`, `import struct X.Y`,
    /// `internal import X`, inside `#if` blocks too). Comments and strings are not code: only
    /// lines that start with an import are read.
    static func imports(_ source: String) -> [Import] {
        var out: [Import] = []
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            var words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var testable = false
            while let w = words.first, w.hasPrefix("@") {
                if w == "@testable" { testable = true }
                words.removeFirst()
            }
            if let w = words.first, ["public", "internal", "package", "private", "fileprivate"].contains(w) { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            words.removeFirst()
            if ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"].contains(words[0]), words.count >= 2 {
                words.removeFirst()
            }
            let module = words[0].split(separator: ".").first.map(String.init) ?? words[0]
            out.append(Import(module: module, testable: testable))
        }
        return out
    }

    /// Every broken rule, one line each. `files`: path relative to Sources/ → contents.
    static func violations(_ files: [(path: String, source: String)]) -> [String] {
        var out: [String] = []
        for (path, source) in files {
            let module = String(path.split(separator: "/").first ?? "")
            guard let allow = allowed[module] else {
                out.append("\(path): module \(module) has no layer rule (add it to LayerRules.allowed)")
                continue
            }
            for i in imports(source) {
                if !allow.contains(i.module) { out.append("\(path): \(module) may not import \(i.module)") }
                if i.module == "CNcursesw" && path != cursesFile { out.append("\(path): only \(cursesFile) may import CNcursesw") }
                if production.contains(module) && i.testable { out.append("\(path): production code uses @testable import \(i.module)") }
            }
        }
        return out
    }

    /// Sources/**.swift, relative to Sources/.
    static func sourceFiles() throws -> [(path: String, source: String)] {
        let sources = RepositoryConfig.packageRoot.appendingPathComponent("Sources")
        guard let walk = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        var out: [(String, String)] = []
        for case let url as URL in walk where url.pathExtension == "swift" {
            let path = String(url.standardizedFileURL.path.dropFirst(sources.standardizedFileURL.path.count + 1))
            out.append((path, try String(contentsOf: url, encoding: .utf8)))
        }
        return out.sorted { $0.0 < $1.0 }
    }
}

@Suite struct LayerRulesTests {
    @Test func everyModuleImportsOnlyWhatItsLayerAllows() throws {
        let files = try LayerRules.sourceFiles()
        // The walk found the tree (an empty walk would pass every rule).
        for module in LayerRules.production {
            #expect(files.contains { $0.path.hasPrefix(module + "/") }, "no Swift files found for \(module)")
        }
        #expect(files.contains { $0.path == LayerRules.cursesFile })
        let broken = LayerRules.violations(files)
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }

    @Test func theCheckerCatchesEachBrokenRule() {
        let cases: [(String, String, String)] = [
            ("SenimCore/Ledger/X.swift", "import SenimStore\n", "SenimCore may not import SenimStore"),
            ("SenimCore/Ledger/X.swift", "#if canImport(Glibc)\nimport Glibc\n#endif\n", "SenimCore may not import Glibc"),
            ("SenimTUI/Update/X.swift", "import Foundation\nimport SenimStore\n", "SenimTUI may not import SenimStore"),
            ("SenimTUI/View/X.swift", "import CNcursesw\n", "only SenimTUI/Driver/Terminal.swift may import CNcursesw"),
            ("senim/Support/X.swift", "import SenimTestSupport\n", "senim may not import SenimTestSupport"),
            ("SenimStore/X.swift", "@testable import SenimCore\n", "production code uses @testable import SenimCore"),
            ("SenimTUI/X.swift", "internal import struct SenimStore.Session\n", "SenimTUI may not import SenimStore"),
            ("SenimNew/X.swift", "import Foundation\n", "module SenimNew has no layer rule"),
        ]
        for (path, source, expected) in cases {
            let found = LayerRules.violations([(path, source)])
            #expect(found.contains { $0.contains(expected) }, "\(path): \(found)")
        }
        // What the rules allow passes: the curses driver, a comment that mentions an import.
        #expect(LayerRules.violations([("SenimTUI/Driver/Terminal.swift", "import CNcursesw\nimport SenimCore\n")]).isEmpty)
        #expect(LayerRules.violations([("SenimCore/X.swift", "import Foundation\n// import SenimStore would be wrong\n")]).isEmpty)
    }
}
