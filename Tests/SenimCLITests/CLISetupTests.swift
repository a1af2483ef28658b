import Foundation
import Testing

/// The program outside its build tree: built-in configuration and its order of precedence,
/// `--version`, `senim doctor`, and the warnings about configuration the data no longer matches.
@Suite struct CLISetupTests {
    /// Runs the binary with exactly `env` (nothing inherited, like `env -i`) in `cwd`.
    static func runClean(_ args: [String], env: [String: String] = [:], cwd: String = "/") throws -> CLI.Result {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("senim-out-\(UUID().uuidString)")
        let errURL = tmp.appendingPathComponent("senim-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return CLI.Result(status: p.terminationStatus, out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                          err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    static let uicArgs = ["uic", "--mother", "Айгуль", "--father", "Серик", "--sex", "ж", "--birth-year", "1990"]

    /// A copy of Config/ in a temporary folder, changed by `edit` (file name → JSON object).
    static func configCopy(_ edit: (inout [String: Any], String) -> Void = { _, _ in }) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("senim-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.config, to: dir)
        for name in ["catalogue.json", "points.json", "dhis2.json", "uic.json"] {
            let url = dir.appendingPathComponent(name)
            var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            edit(&json, name)
            try JSONSerialization.data(withJSONObject: json).write(to: url)
        }
        return dir
    }

    @Test func runsFromAnyFolderWithNoEnvironment() throws {
        let r = try Self.runClean(Self.uicArgs)
        #expect(r.status == 0, "\(r)")
        #expect(r.out.contains("AISE290"))
        let kk = try Self.runClean(Self.uicArgs + ["--lang", "kk"], cwd: FileManager.default.temporaryDirectory.path)
        #expect(kk.status == 0 && kk.out.contains("AISE290"), "\(kk)")
    }

    @Test func optionBeatsEnvironmentBeatsBuiltIn() throws {
        let missing = "/nonexistent/senim-config-\(UUID().uuidString.prefix(6))"
        let bad = try Self.runClean(Self.uicArgs, env: ["SENIM_CONFIG": missing])
        #expect(bad.status == 78, "SENIM_CONFIG is used even when broken: \(bad)")
        #expect(bad.err.contains(missing))
        let good = try Self.runClean(Self.uicArgs + ["--config", CLI.config.path], env: ["SENIM_CONFIG": missing])
        #expect(good.status == 0 && good.out.contains("AISE290"), "--config comes first: \(good)")
        // A configuration that differs from the built-in one is really the one used.
        let padded = try Self.configCopy { json, name in if name == "uic.json" { json["padding"] = "Q" } }
        defer { try? FileManager.default.removeItem(at: padded) }
        let short = ["uic", "--mother", "А", "--father", "Серик", "--sex", "ж", "--birth-year", "1990"]
        let builtIn = try Self.runClean(short), custom = try Self.runClean(short, env: ["SENIM_CONFIG": padded.path])
        #expect(builtIn.status == 0 && custom.status == 0, "\(builtIn) \(custom)")
        #expect(builtIn.out.contains("AXSE290") && custom.out.contains("AQSE290"), "\(builtIn.out) / \(custom.out)")
    }

    @Test func versionNamesTheCommit() throws {
        let r = try Self.runClean(["--version"])
        #expect(r.status == 0)
        let line = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.wholeMatch(of: /\d+\.\d+\.\d+ \(commit ([0-9a-f]{40}|unknown)\)/) != nil, "\(line)")
        // In a git checkout it is HEAD (swift test rebuilds after every commit).
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", CLI.packageRoot.path, "rev-parse", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/git"), (try? git.run()) != nil {
            let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            git.waitUntilExit()
            if git.terminationStatus == 0 { #expect(line.contains(head), "\(line) vs HEAD \(head)") }
        }
    }

    @Test func doctorReportsAndWritesNothing() throws {
        let s = try TestStore()
        let before = try FileManager.default.contentsOfDirectory(atPath: s.dir.path).sorted()
        let r = try Self.runClean(["doctor", "--store", s.dir.path], env: ["LANG": "C.UTF-8", "TERM": "xterm-256color"])
        #expect(r.status == 0, "\(r)")
        #expect(r.out.contains("[ok] Locale C.UTF-8: installed, UTF-8."), "\(r.out)")
        #expect(r.out.contains("Configuration: the one built into senim."))
        #expect(r.out.contains("[ok] Store: \(s.dir.path) (from --store)."))
        #expect(r.out.contains("[ok] The store is not in use by another program."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).sorted() == before)
        // No store: a warning with what to do, and nothing created.
        let nowhere = s.dir.path + "-none"
        let none = try Self.runClean(["doctor", "--store", nowhere])
        #expect(none.status == 0 && none.out.contains("There is no store at \(nowhere) yet."), "\(none)")
        #expect(none.out.contains("senim init --point"))
        #expect(!FileManager.default.fileExists(atPath: nowhere))
        #expect(none.out.contains("No locale is set"))
    }

    @Test func doctorFindsProblemsAndSaysWhatToFix() throws {
        let s = try TestStore()
        #expect(chmod(s.dir.path, 0o755) == 0)
        let bad = try Self.runClean(["doctor", "--store", s.dir.path])
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.out.contains("[x]  The store folder \(s.dir.path) has mode 755"), "\(bad.out)")
        #expect(bad.out.contains("To fix: restrict it to its owner: chmod 700 \(s.dir.path)"), "\(bad.out)")
        #expect(chmod(s.dir.path, 0o700) == 0)
        // A broken configuration is a problem, named, with the file.
        let broken = try Self.runClean(["doctor", "--store", s.dir.path, "--config", "/nonexistent-senim"])
        #expect(broken.status == 1 && broken.out.contains("Configuration: /nonexistent-senim (from --config)."), "\(broken)")
        #expect(broken.out.contains("catalogue.json"))
        // The lock held by another senim: its process id.
        let (p, out) = try CLI.start(["dev", "hold-lock", "--seconds", "20"], env: s.env("dana"))
        defer { p.terminate(); p.waitUntilExit() }
        let first = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        #expect(first.hasPrefix("locked"), "\(first)")
        let busy = try Self.runClean(["doctor", "--store", s.dir.path])
        #expect(busy.out.contains("The store is in use by another program (process \(p.processIdentifier))"), "\(busy.out)")
        #expect(busy.status == 0, "a busy store is a warning")
    }

    @Test(arguments: [("ru", "Хранилище не занято другой программой."), ("kk", "Қойманы басқа бағдарлама пайдаланып жатқан жоқ.")])
    func doctorSpeaksRussianAndKazakh(lang: String, expected: String) throws {
        let s = try TestStore()
        let r = try Self.runClean(["doctor", "--store", s.dir.path, "--lang", lang])
        #expect(r.status == 0, "\(r)")
        #expect(r.out.contains(expected), "\(r.out)")
        let viaLocale = try Self.runClean(["doctor", "--store", s.dir.path], env: ["LANG": lang == "ru" ? "ru_RU.UTF-8" : "kk_KZ.UTF-8"])
        #expect(viaLocale.out.contains(expected), "\(viaLocale.out)")
    }

    @Test func warnsWhenTheConfigurationLacksWhatTheDataUses() throws {
        let s = try TestStore(point: "temirtau")
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--new-client", "--pack", "injecting"]).status == 0)
        let clean = try s.run(["contact", "list"])
        #expect(clean.status == 0 && !clean.err.contains("Warning"), "\(clean)")
        let without = try Self.configCopy { json, name in
            if name == "points.json", let points = json["points"] as? [[String: Any]] {
                json["points"] = points.filter { $0["id"] as? String != "temirtau" }
            }
            if name == "dhis2.json", var units = json["orgUnits"] as? [String: Any] {
                units["temirtau"] = nil
                json["orgUnits"] = units
            }
        }
        defer { try? FileManager.default.removeItem(at: without) }
        let r = try s.run(["contact", "list"], env: ["SENIM_CONFIG": without.path])
        #expect(r.status == 0, "\(r)")
        #expect(r.err.contains("Warning: The configuration in use has no trust point temirtau"), "\(r.err)")
        let ru = try s.run(["contact", "list", "--lang", "ru"], env: ["SENIM_CONFIG": without.path])
        #expect(ru.err.contains("В используемой конфигурации нет пункта доверия temirtau"), "\(ru.err)")
    }
}
