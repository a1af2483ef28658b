import Foundation

/// Terminal width, CSV fields and JSON text: the small text tools the renderers share.
public enum TextFormat {
    /// Columns a string takes in a terminal (`Width` owns the rule; the TUI canvas and the
    /// CLI's tables use it too).
    public static func displayWidth(_ s: String) -> Int { Width.of(s) }

    /// Pads to `width` columns (left-aligned text, or right-aligned numbers).
    public static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = max(0, width - displayWidth(s))
        let fill = String(repeating: " ", count: n)
        return right ? fill + s : s + fill
    }

    /// Cuts to at most `width` columns, ending in "…" when cut.
    public static func truncate(_ s: String, _ width: Int) -> String {
        guard displayWidth(s) > width, width > 1 else { return s }
        return Width.prefix(s, fitting: width - 1) + "…"
    }

    /// One RFC 4180 field: quoted when it holds a comma, a quote, a line break or edge spaces.
    public static func csvField(_ s: String) -> String {
        let needs = s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || s.first == " " || s.last == " "
        guard needs else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// An RFC 4180 record (fields joined by commas, ended by CRLF).
    public static func csvLine(_ fields: [String]) -> String {
        fields.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// A number as text: integers without a decimal point, others with at most `decimals`
    /// decimals and no trailing zeros ("." as the separator whatever the locale).
    public static func number(_ v: Double, decimals: Int = 2) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        var s = String(format: "%.\(decimals)f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// A JSON value with ordered object keys (reports are read by people too).
public indirect enum JSONText: Sendable {
    case string(String)
    /// Number text, already valid JSON.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    public static func int(_ v: Int) -> JSONText { .number(String(v)) }
    public static func optString(_ s: String?) -> JSONText { s.map { .string($0) } ?? .null }

    public func serialized(indent: Int = 0) -> String {
        var out = ""
        write(&out, indent)
        return out
    }

    private func write(_ out: inout String, _ level: Int) {
        let pad = String(repeating: "  ", count: level + 1)
        let close = String(repeating: "  ", count: level)
        switch self {
        case .string(let s): out += Self.quote(s)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            // Arrays of scalars stay on one line.
            if a.allSatisfy({ $0.isScalar }) {
                out += "["
                for (i, v) in a.enumerated() {
                    if i > 0 { out += ", " }
                    v.write(&out, level + 1)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, v) in a.enumerated() {
                out += pad
                v.write(&out, level + 1)
                out += i + 1 < a.count ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (k, v)) in o.enumerated() {
                out += pad + Self.quote(k) + ": "
                v.write(&out, level + 1)
                out += i + 1 < o.count ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
