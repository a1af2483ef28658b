import Foundation
import SenimCore
import SenimStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Passphrases {
    /// The largest passphrase file: 64 KiB of passphrase plus one line ending.
    static let maxFileBytes = 65_536

    /// A passphrase file's first line, without its LF or CRLF. Read with a bound (a device
    /// like /dev/zero is refused after 64 KiB), byte by byte: a CRLF file is not one line.
    static func fromFile(_ path: String) throws -> String {
        let expanded = Runtime.expand(path)
        let bytes: [UInt8]
        do throws(BoundedFile.Failure) { bytes = try BoundedFile.read(expanded, limit: maxFileBytes + 2) } catch {
            switch error {
            case .tooLarge: throw CLIFailure.refused("cli.passphrase.fileLarge", expanded, String(maxFileBytes))
            case .unreadable: throw CLIFailure(.init("cli.passphrase.file", expanded), .noInput)
            }
        }
        let line = bytes.firstIndex(of: 10).map { Array(bytes[..<$0]) + [10] } ?? bytes
        let clean = strip(line)
        guard clean.count <= maxFileBytes else { throw CLIFailure.refused("cli.passphrase.fileLarge", expanded, String(maxFileBytes)) }
        guard !clean.isEmpty else { throw CLIFailure.refused("cli.passphrase.fileEmpty", expanded) }
        guard !clean.contains(13) else { throw CLIFailure.refused("cli.passphrase.fileLines", expanded) }
        guard let text = String(validating: clean, as: UTF8.self) else { throw CLIFailure.refused("cli.passphrase.fileEncoding", expanded) }
        return text
    }

    /// Removes one trailing LF or CRLF.
    static func strip(_ b: [UInt8]) -> [UInt8] {
        if b.last == 10 { return Array(b.dropLast(b.count >= 2 && b[b.count - 2] == 13 ? 2 : 1)) }
        return b
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

/// Makes any text safe to print on a terminal: control characters (C0 but line feed and tab,
/// DEL, C1) and bidirectional overrides and isolates become visible `\u{…}` escapes, so that a
/// stored note (typed elsewhere, or arrived by sync) cannot clear the screen, retitle the
/// window or reorder what is shown. JSON output escapes by its own rules.
enum TerminalText {
    static func needsEscape(_ v: UInt32, cell: Bool) -> Bool {
        switch v {
        case 0x0A, 0x09: return cell
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    /// JSON text: the encoder escapes C0 but not DEL, C1 or bidirectional controls; those can
    /// only occur inside strings, where `\\uXXXX` stands for the same character.
    static func escapeJSON(_ s: String) -> String {
        func bad(_ v: UInt32) -> Bool { v >= 0x7F && needsEscape(v, cell: false) }
        guard s.unicodeScalars.contains(where: { bad($0.value) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if bad(u.value) {
                let hex = String(u.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// `cell`: a table cell or one-line field, where line feeds and tabs are escaped too.
    /// Outside cells a CR directly before a LF (CSV's CRLF line ends) is kept.
    static func escape(_ s: String, cell: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: { needsEscape($0.value, cell: cell) }) else { return s }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            if !cell && u.value == 0x0D && i + 1 < scalars.count && scalars[i + 1].value == 0x0A {
                out.append(u)
            } else if needsEscape(u.value, cell: cell) {
                out.append(contentsOf: "\\u{\(String(u.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }
}

enum Out {
    static func line(_ s: String = "") {
        FileHandle.standardOutput.write(Data((TerminalText.escape(s) + "\n").utf8))
    }

    static func error(_ s: String) {
        FileHandle.standardError.write(Data((TerminalText.escape(s) + "\n").utf8))
    }

    /// Stable JSON: sorted keys, pretty-printed, slashes unescaped.
    static func json<T: Encodable>(_ value: T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = Data(TerminalText.escapeJSON(String(decoding: try e.encode(value), as: UTF8.self)).utf8)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// A plain text table: columns padded to the widest cell (in terminal columns, `Width`).
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned to the right (numbers).
    var rightAligned: Set<Int> = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers.map { TerminalText.escape($0, cell: true) }
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) { rows.append(row.map { TerminalText.escape($0, cell: true) }) }

    func render() -> String {
        var widths = headers.map { Width.of($0) }
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], Width.of(c)) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - Width.of(c)))
                parts.append(rightAligned.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad))
            }
            return parts.joined(separator: "  ")
        }
        var out = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}
