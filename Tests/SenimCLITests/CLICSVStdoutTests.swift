import Foundation
import Testing

/// A strict RFC 4180 reader: records end in CRLF (a lone LF also ends one), fields may be quoted
/// with doubled quotes inside. Works on Unicode scalars, not Characters ("\r\n" is one
/// Character in Swift). An empty line is reported as a record with one empty field, which is
/// what CSV readers (Excel, LibreOffice, Python's csv) make of a stray line break.
enum RFC4180 {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, afterQuote = false, pending = false
        var it = Array(text.unicodeScalars).makeIterator()
        var next = it.next()
        func endField() { record.append(field); field = ""; afterQuote = false }
        while let c = next {
            next = it.next()
            pending = true
            if quoted {
                if c == "\"" {
                    if next == "\"" { field.unicodeScalars.append("\""); next = it.next() } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !afterQuote else { throw Failure(description: "quote inside an unquoted field: \(field)") }
                quoted = true
            case ",":
                endField()
            case "\r":
                guard next == "\n" else { throw Failure(description: "CR not followed by LF") }
                next = it.next()
                endField(); records.append(record); record = []; pending = false
            case "\n":
                endField(); records.append(record); record = []; pending = false
            default:
                guard !afterQuote else { throw Failure(description: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        guard !quoted else { throw Failure(description: "unterminated quoted field") }
        if pending { endField(); records.append(record) }
        return records
    }
}

@Suite struct CLICSVStdoutTests {
    @Test func parserSeesAStrayLineBreakAsAnEmptyRecord() throws {
        #expect(try RFC4180.parse("a,b\r\n1,\"x,\"\"y\"\"\"\r\n") == [["a", "b"], ["1", "x,\"y\""]])
        #expect(try RFC4180.parse("a,b\r\n1,2\r\n\n") == [["a", "b"], ["1", "2"], [""]])
        #expect(throws: RFC4180.Failure.self) { try RFC4180.parse("a,\"b\r\n") }
    }

    /// CSV on standard output has the same records as the file `--output` writes, and no
    /// empty last record (it used to end in CRLF followed by an extra LF).
    @Test(arguments: ["csv", "dhis2-csv"])
    func standardOutputCSVParses(format: String) throws {
        let s = try TestStore()
        let seed = try s.run(["dev", "seed", "--contacts", "120", "--clients", "30", "--seed", "4", "--days", "30",
                              "--until", "2026-06-30"])
        #expect(seed.status == 0, "\(seed)")
        let out = try s.run(["report", "--period", "2026-06", "--format", format])
        #expect(out.status == 0, "\(out)")
        let file = s.dir.deletingLastPathComponent().appendingPathComponent("r-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try s.run(["report", "--period", "2026-06", "--format", format, "--output", file.path]).status == 0)
        let written = try String(contentsOf: file, encoding: .utf8)

        let records = try RFC4180.parse(out.out)
        #expect(records.count > 1, "a header and at least one row: \(out.out.prefix(200))")
        #expect(!records.contains { $0 == [""] }, "no empty record: \(records.suffix(2))")
        let width = try #require(records.first).count
        #expect(width > 1 && records.allSatisfy { $0.count == width }, "every record has the header's \(width) fields")
        #expect(records == (try RFC4180.parse(written)), "standard output and --output agree")
        #expect(out.out.unicodeScalars.suffix(2).elementsEqual(["\r", "\n"]), "ends with one CRLF")
        #expect(!out.out.unicodeScalars.suffix(3).elementsEqual(["\r", "\n", "\n"]))
    }
}
