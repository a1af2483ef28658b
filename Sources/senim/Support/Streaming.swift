import Foundation

/// Output for listings that can be very long (a million contacts): written in pieces through
/// a buffer instead of being built as one string or one JSON tree.
struct BufferedOutput {
    private var buffer = Data()
    private let handle: FileHandle
    /// Escape terminal controls (`TerminalText`); for JSON, only what the encoder leaves raw.
    private let json: Bool

    init(_ handle: FileHandle = .standardOutput, json: Bool = false) {
        self.handle = handle
        self.json = json
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: (json ? TerminalText.escapeJSON(s) : TerminalText.escape(s)).utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Out {
    /// `{"<key>": [elements]}` in exactly the layout `Out.json` gives (sorted keys, pretty,
    /// two-space indentation), one element at a time.
    static func jsonList<T: Encodable>(key: String, count: Int, element: (Int) -> T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var out = BufferedOutput(json: true)
        out.write("{\n  \"\(key)\" : [\n")
        if count == 0 { out.write("\n") }
        for i in 0..<count {
            let text = String(decoding: try e.encode(element(i)), as: UTF8.self)
            var first = true
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !first { out.write("\n") }
                if !line.isEmpty { out.write("    ") }
                out.write(String(line))
                first = false
            }
            out.write(i + 1 < count ? ",\n" : "\n")
        }
        out.write("  ]\n}\n")
        out.flush()
    }
}

extension Table {
    /// Prints `count` rows made by `row` without holding them all: one pass to measure the
    /// columns, one to print.
    static func stream(_ headers: [String], count: Int, rightAligned: Set<Int> = [], row rawRow: (Int) -> [String]) {
        let headers = headers.map { TerminalText.escape($0, cell: true) }
        func row(_ i: Int) -> [String] { rawRow(i).map { TerminalText.escape($0, cell: true) } }
        var widths = headers.map(\.count)
        for i in 0..<count {
            for (c, cell) in row(i).enumerated() where c < widths.count { widths[c] = max(widths[c], cell.count) }
        }
        var out = BufferedOutput()
        func line(_ cells: [String]) {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                parts.append(rightAligned.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad))
            }
            out.write(parts.joined(separator: "  ") + "\n")
        }
        line(headers)
        line(widths.map { String(repeating: "-", count: $0) })
        for i in 0..<count { line(row(i)) }
        out.flush()
    }
}
