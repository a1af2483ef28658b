import Foundation
import SenimTestSupport
import Testing

/// Runs the real `senim` binary as a subprocess, the way scripts and technicians do.
enum CLI {
    /// The package root: the folder holding Package.swift, found from this file's path.
    static let packageRoot: URL = RepositoryConfig.packageRoot

    /// `.build/debug/senim` (the test command builds it first); SENIM_BINARY overrides.
    static let binary: URL = {
        if let b = ProcessInfo.processInfo.environment["SENIM_BINARY"] { return URL(fileURLWithPath: b) }
        return packageRoot.appendingPathComponent(".build/debug/senim")
    }()

    static let config = packageRoot.appendingPathComponent("Config")

    struct Result: CustomStringConvertible {
        var status: Int32
        var out: String
        var err: String
        var description: String { "exit \(status)\nstdout: \(out)\nstderr: \(err)" }

        func json() throws -> [String: Any] {
            let v = try JSONSerialization.jsonObject(with: Data(out.utf8))
            guard let d = v as? [String: Any] else { throw CLIError("not a JSON object: \(out)") }
            return d
        }
    }

    struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Runs senim with `args`. No controlling terminal (setsid), so nothing can block on a
    /// passphrase prompt; English messages unless `env` says otherwise.
    @discardableResult
    static func run(_ args: [String], env: [String: String] = [:], stdin: String? = nil) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CLIError("\(binary.path) is missing: run `swift build` before `swift test` (scripts/test does)")
        }
        let p = Process()
        let setsid = "/usr/bin/setsid"
        if FileManager.default.isExecutableFile(atPath: setsid) {
            p.executableURL = URL(fileURLWithPath: setsid)
            p.arguments = ["--wait", binary.path] + args
        } else {
            p.executableURL = binary
            p.arguments = args
        }
        var e = ProcessInfo.processInfo.environment
        for k in ["SENIM_STORE", "SENIM_USER", "SENIM_PASSPHRASE", "SENIM_CONFIG", "LC_ALL", "LC_MESSAGES", "LANG", "XDG_DATA_HOME"] {
            e[k] = nil
        }
        e["LANG"] = "C.UTF-8"
        e["SENIM_KDF"] = "testing"
        e["SENIM_CONFIG"] = config.path
        e["TZ"] = "Asia/Almaty"
        for (k, v) in env { e[k] = v }
        p.environment = e
        // Output goes to temporary files: no pipe can fill up and block the child.
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("senim-out-\(UUID().uuidString)")
        let errURL = tmp.appendingPathComponent("senim-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
        let inp = Pipe()
        p.standardOutput = outHandle
        p.standardError = errHandle
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        p.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(status: p.terminationStatus, out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Starts senim without waiting (for a process that holds the store).
    static func start(_ args: [String], env: [String: String]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        e["LANG"] = "C.UTF-8"
        e["SENIM_KDF"] = "testing"
        e["SENIM_CONFIG"] = config.path
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }
}

/// A fresh store in a temporary folder with a coordinator `dana`, plus helpers to run
/// commands as any of its users.
final class TestStore {
    let dir: URL
    var passphrases: [String: String] = ["dana": "dana's long passphrase"]

    init(point: String = "almaty-central", function: String = #function) throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("senim-cli-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let r = try run(["init", "--point", point])
        guard r.status == 0 else { throw CLI.CLIError("init failed: \(r)") }
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func env(_ user: String) -> [String: String] {
        ["SENIM_STORE": dir.path, "SENIM_USER": user, "SENIM_PASSPHRASE": passphrases[user] ?? "none"]
    }

    @discardableResult
    func run(_ args: [String], as user: String = "dana", env extra: [String: String] = [:]) throws -> CLI.Result {
        var e = env(user)
        for (k, v) in extra { e[k] = v }
        return try CLI.run(args, env: e)
    }

    /// Adds a user; their passphrase goes through a file, as a script would do it. The
    /// coordinator's passphrase for them is a one-time passphrase: unless `firstSignIn` is
    /// false, the user then signs in once and chooses their own (`senim passwd`).
    func addUser(_ name: String, role: String, firstSignIn: Bool = true) throws {
        let oneTime = "\(name)'s one-time passphrase"
        let r = try withFile(oneTime) { try run(["user", "add", name, "--role", role, "--new-passphrase-file", $0]) }
        guard r.status == 0 else { throw CLI.CLIError("user add failed: \(r)") }
        passphrases[name] = oneTime
        if firstSignIn { try choosePassphrase(name, "\(name)'s passphrase") }
    }

    /// `senim passwd` as `name` (current passphrase from the environment, the new one from a file).
    func choosePassphrase(_ name: String, _ new: String) throws {
        let r = try withFile(new) { try run(["passwd", "--new-passphrase-file", $0], as: name) }
        guard r.status == 0 else { throw CLI.CLIError("passwd failed: \(r)") }
        passphrases[name] = new
    }

    /// Runs `body` with the path of a temporary file holding `text` (and a newline).
    func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let file = dir.deletingLastPathComponent().appendingPathComponent("pp-\(UUID().uuidString)")
        try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try body(file.path)
    }

    /// Authentic events in the store, from `senim verify --json`.
    func eventCount() throws -> Int {
        let r = try run(["verify", "--json"])
        guard r.status == 0 else { throw CLI.CLIError("verify failed: \(r)") }
        return try r.json()["events"] as? Int ?? -1
    }
}

/// A checksum-valid IIN built from a birth date (for privacy-guard tests).
func validIIN(_ prefix: String = "85010130012") -> String {
    let d = prefix.compactMap { $0.wholeNumberValue }
    var sum = 0
    for i in 0..<11 { sum += d[i] * (i + 1) }
    var c = sum % 11
    if c == 10 {
        let w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        sum = 0
        for i in 0..<11 { sum += d[i] * w[i] }
        c = sum % 11
    }
    return prefix + String(c)
}
