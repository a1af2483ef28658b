import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Passphrases {
    /// The first line of a file, without its line ending. The file must exist and the
    /// passphrase must not be empty.
    static func fromFile(_ path: String) throws -> String {
        let expanded = Runtime.expand(path)
        // FileHandle rather than FileManager: works for pipes and /dev/fd/N too.
        guard let handle = FileHandle(forReadingAtPath: expanded),
              let data = try? handle.readToEnd() ?? Data() else {
            throw CLIFailure(.init("cli.passphrase.file", expanded), .noInput)
        }
        try? handle.close()
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let clean = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !clean.isEmpty else { throw CLIFailure.refused("cli.passphrase.fileEmpty", expanded) }
        return clean
    }

    /// Reads a line from the controlling terminal with echo off. No terminal: usage error.
    static func prompt(_ text: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw CLIFailure.usage("cli.passphrase.none") }
        defer { close(fd) }
        var old = termios()
        let haveAttrs = tcgetattr(fd, &old) == 0
        if haveAttrs {
            var quiet = old
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON)
            _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if haveAttrs { _ = tcsetattr(fd, TCSAFLUSH, &old) }
        }
        let promptBytes = Array((text + " ").utf8)
        _ = promptBytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var bytes: [UInt8] = []
        var c: UInt8 = 0
        while read(fd, &c, 1) == 1 {
            if c == 10 || c == 13 { break }
            bytes.append(c)
            if bytes.count > 70_000 { break }
        }
        _ = write(fd, "\n", 1)
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum Terminal {
    static var stderrIsTTY: Bool { isatty(2) == 1 }
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    static var stdinIsTTY: Bool { isatty(0) == 1 }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
struct ProgressBar {
    let total: Int
    let label: String
    let enabled: Bool
    private var lastDrawn = -1
    private let started = Date()

    init(total: Int, label: String, enabled: Bool = Terminal.stderrIsTTY) {
        self.total = max(1, total)
        self.label = label
        self.enabled = enabled
    }

    mutating func update(_ done: Int) {
        guard enabled else { return }
        let permille = min(1000, done * 1000 / total)
        guard permille != lastDrawn else { return }
        lastDrawn = permille
        let width = 30
        let filled = permille * width / 1000
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let seconds = Date().timeIntervalSince(started)
        let line = "\r\(label) \(bar) \(permille / 10)% \(done)/\(total) \(String(format: "%.1f", seconds)) s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

enum Out {
    static func line(_ s: String = "") {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    static func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    /// Stable JSON: sorted keys, pretty-printed, slashes unescaped.
    static func json<T: Encodable>(_ value: T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try e.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// A plain text table: columns padded to the widest cell (in characters).
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned to the right (numbers).
    var rightAligned: Set<Int> = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                parts.append(rightAligned.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad))
            }
            return parts.joined(separator: "  ")
        }
        var out = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}
