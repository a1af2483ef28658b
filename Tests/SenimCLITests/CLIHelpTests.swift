import Foundation
import Testing

/// `senim --help` and every subcommand's help are complete; the exit codes are documented.
@Suite struct CLIHelpTests {
    static let commands: [[String]] = [
        ["init"], ["user"], ["user", "add"], ["user", "list"], ["user", "remove"], ["user", "reset"], ["passwd"], ["uic"],
        ["notes"], ["notes", "holders"], ["notes", "grant"], ["notes", "identity"], ["notes", "share"], ["notes", "accept"],
        ["client"], ["client", "add"], ["client", "find"], ["client", "show"], ["client", "list"], ["client", "duplicates"], ["client", "merge"],
        ["client", "unmerge"],
        ["contact"], ["contact", "add"], ["contact", "list"], ["contact", "show"], ["contact", "correct"], ["void"],
        ["stock"], ["stock", "show"], ["stock", "receive"], ["stock", "transfer"], ["stock", "writeoff"],
        ["stock", "count"], ["stock", "confirm"],
        ["referral"], ["referral", "add"], ["referral", "update"], ["referral", "list"], ["referral", "note"], ["referral", "show"],
        ["report"], ["backup"], ["restore"], ["verify"], ["compact"], ["rekey"], ["salvage"],
        ["sync"], ["sync", "identity"], ["sync", "trust"], ["sync", "peers"], ["sync", "export"], ["sync", "import"],
        ["demo"], ["tui"], ["doctor"], ["dev"], ["dev", "seed"], ["dev", "hold-lock"],
    ]

    @Test func rootHelpListsEveryCommandAndEveryExitCode() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for c in ["init", "user", "passwd", "uic", "client", "contact", "stock", "referral", "report", "backup",
                  "restore", "verify", "compact", "rekey", "salvage", "sync", "notes", "void", "demo", "tui", "dev"] {
            #expect(r.out.contains("\n  \(c) "), "--help does not list \(c)")
        }
        for code in ["0", "64", "65", "66", "70", "73", "74", "75", "77", "78"] {
            #expect(r.out.contains("\n  \(code) "), "--help does not document exit code \(code)")
        }
        #expect(r.out.contains("--passphrase-file") && r.out.contains("SENIM_PASSPHRASE") && r.out.contains("--json"))
    }

    @Test(arguments: commands)
    func everySubcommandHasHelp(_ path: [String]) throws {
        let r = try CLI.run(path + ["--help"])
        #expect(r.status == 0, "\(path): \(r)")
        #expect(r.out.hasPrefix("OVERVIEW: "), "\(path) has no abstract")
        #expect(r.out.contains("USAGE: senim \(path.joined(separator: " "))"))
        // Every option and argument has an explanation: an option name alone on its line is
        // followed by its help on the next line.
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, line) in lines.enumerated() where line.hasPrefix("  -") || line.hasPrefix("  <") {
            let sameLine = line.dropFirst(2).contains("  ")
            let nextLine = i + 1 < lines.count && lines[i + 1].hasPrefix("          ")
                && !lines[i + 1].trimmingCharacters(in: .whitespaces).isEmpty
            #expect(sameLine || nextLine, "\(path): '\(line)' has no help text")
        }
    }

    @Test func usageErrorsExit64() throws {
        #expect(try CLI.run(["frobnicate"]).status == 64)
        #expect(try CLI.run(["contact", "add"]).status == 64)                         // --client missing
        #expect(try CLI.run(["stock", "writeoff", "naloxone", "2", "--reason", "stolen"]).status == 64)
        #expect(try CLI.run(["contact", "add", "--client", "AB", "--item", "syringe"]).status == 64)
        #expect(try CLI.run(["referral", "update", "abcd", "--status", "issued"]).status == 64)
        #expect(try CLI.run(["user", "add", "x", "--role", "admin"]).status == 64)
        #expect(try CLI.run(["contact", "list", "--from", "23.11.2026"]).status == 64)
        let r = try CLI.run(["--version"])
        #expect(r.status == 0 && !r.out.isEmpty)
    }

    @Test func completionScriptsForBashZshFish() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try CLI.run(["--generate-completion-script", shell])
            #expect(r.status == 0)
            #expect(r.out.contains("senim"))
            #expect(r.out.contains("referral"))
        }
    }

    @Test func uicBuildsCodesAndStoresNothing() throws {
        let r = try CLI.run(["uic", "--mother", "Айгуль", "--father", "Серик", "--sex", "ж", "--birth-year", "1990"])
        #expect(r.status == 0)
        #expect(r.out == "AISE290\n")
        let latin = try CLI.run(["uic", "--mother", "Zhanna", "--father", "Yerlan", "--sex", "m", "--birth-year", "1985", "--json"])
        #expect(try latin.json()["code"] as? String == "ZAER185")
        let viaAnswers = try CLI.run(["uic", "--answer", "mother=Anna", "--answer", "father=Boris", "--answer", "sex=f",
                                      "--answer", "birthYear=2001"])
        #expect(viaAnswers.out == "ANBO201\n")
        // Missing answer: usage (64); bad answers: refused (65), with the offending value.
        let missing = try CLI.run(["uic", "--mother", "Anna", "--sex", "f", "--birth-year", "1990"])
        #expect(missing.status == 64)
        #expect(missing.err.contains("Father"))
        let sex = try CLI.run(["uic", "--mother", "Anna", "--father", "Bob", "--sex", "x", "--birth-year", "1990"])
        #expect(sex.status == 65 && sex.err.contains("'x'"))
        let year = try CLI.run(["uic", "--mother", "Anna", "--father", "Bob", "--sex", "f", "--birth-year", "90"])
        #expect(year.status == 65 && year.err.contains("'90'"))
        #expect(try CLI.run(["uic", "--answer", "shoe=42"]).status == 64)
    }

    @Test func messagesFollowLangAndLANG() throws {
        let ru = try CLI.run(["client", "list", "--store", "/nonexistent/senim"], env: ["LANG": "ru_KZ.UTF-8"])
        #expect(ru.status == 66)
        #expect(ru.err.contains("нет хранилища"))
        let kk = try CLI.run(["client", "list", "--store", "/nonexistent/senim", "--lang", "kk"])
        #expect(kk.err.contains("қоймасы жоқ"))
        let en = try CLI.run(["client", "list", "--store", "/nonexistent/senim"])
        #expect(en.err.contains("No Senim store at /nonexistent/senim"))
    }

    @Test func brokenConfigurationExits78() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("senim-badcfg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{ not json".write(to: dir.appendingPathComponent("catalogue.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["uic", "--mother", "A", "--father", "B", "--sex", "f", "--birth-year", "1990", "--config", dir.path])
        #expect(r.status == 78)
        #expect(r.err.contains("catalogue.json"))
    }
}
