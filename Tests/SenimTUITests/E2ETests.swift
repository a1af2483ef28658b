import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs scripts/e2e-tui (the real binary in tmux) when tmux is installed.
@Suite struct E2ETests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let hasTmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: hasTmux), .timeLimit(.minutes(2)))
    func tmuxEndToEnd() throws {
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test bundle sits next to the executables in the build directory.
        let harness = binDir.appendingPathComponent("senim-tui-harness")
        try #require(FileManager.default.isExecutableFile(atPath: harness.path), "build senim-tui-harness first (swift build)")
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("senim-e2e-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: logURL) }
        let status = try Self.spawn(Self.root.appendingPathComponent("scripts/e2e-tui").path,
                                    env: ["SENIM_BIN_DIR": binDir.path], log: logURL.path)
        let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        #expect(status == 0, "scripts/e2e-tui failed:\n\(log)")
        #expect(log.contains("e2e-tui [memory]: ok"))
        #expect(log.contains("e2e-tui [store]: ok"))
    }

    /// posix_spawn with an empty signal mask and default signal dispositions: the test
    /// runner's threads block signals, and a script started with SIGTERM or SIGWINCH blocked
    /// would not test what a user's shell does. Output goes to a file, stdin is /dev/null.
    static func spawn(_ path: String, env extra: [String: String], log: String) throws -> Int32 {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fa, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &fa, &attr, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
