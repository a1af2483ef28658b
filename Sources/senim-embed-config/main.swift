import Foundation

// Build-time tool of the EmbedConfig plugin (not installed):
//   senim-embed-config CONFIG_DIR OUTPUT.swift [GIT_DIR GIT_COMMON_DIR]
// Writes a Swift source holding every regular file under CONFIG_DIR, keyed by its path relative
// to CONFIG_DIR ("catalogue.json", "locales/ru/cli.json"), base64-encoded so that any byte
// survives and the compiler sees one plain string literal per file. Output is deterministic:
// files sorted by path, no timestamps.

let args = CommandLine.arguments
guard args.count == 3 || args.count == 5 else {
    FileHandle.standardError.write(Data("usage: senim-embed-config CONFIG_DIR OUTPUT.swift [GIT_DIR GIT_COMMON_DIR]\n".utf8))
    exit(64)
}
let root = URL(fileURLWithPath: args[1]).standardizedFileURL
let output = URL(fileURLWithPath: args[2])
let fm = FileManager.default

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data("senim-embed-config: \(text)\n".utf8))
    exit(1)
}

func walk(_ dir: URL, _ prefix: String, into files: inout [(String, Data)]) {
    let names: [String]
    do { names = try fm.contentsOfDirectory(atPath: dir.path) } catch { fail("cannot list \(dir.path): \(error)") }
    for name in names.sorted() where !name.hasPrefix(".") {
        let url = dir.appendingPathComponent(name)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
        let rel = prefix.isEmpty ? name : prefix + "/" + name
        if isDir.boolValue {
            walk(url, rel, into: &files)
        } else {
            do { files.append((rel, try Data(contentsOf: url))) } catch { fail("cannot read \(url.path): \(error)") }
        }
    }
}
var files: [(String, Data)] = []
walk(root, "", into: &files)
guard files.contains(where: { $0.0 == "catalogue.json" }) else { fail("\(root.path) has no catalogue.json") }
files.sort { $0.0 < $1.0 }

func literal(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where ch.value < 0x20 || ch.value == 0x7F: out += "\\u{\(String(ch.value, radix: 16))}"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}

/// The commit HEAD names, read from git's files (a loose ref, else packed-refs); "unknown" when
/// the source is not a git checkout.
func commit() -> String {
    guard args.count == 5 else { return "unknown" }
    let gitDir = URL(fileURLWithPath: args[3]), common = URL(fileURLWithPath: args[4])
    func read(_ u: URL) -> String? { try? String(contentsOf: u, encoding: .utf8) }
    func isHash(_ s: String) -> Bool { s.count >= 40 && s.allSatisfy(\.isHexDigit) }
    guard let head = read(gitDir.appendingPathComponent("HEAD"))?.trimmingCharacters(in: .whitespacesAndNewlines) else {
        return "unknown"
    }
    if isHash(head) { return head }
    guard head.hasPrefix("ref: ") else { return "unknown" }
    let ref = String(head.dropFirst(5))
    if let loose = read(common.appendingPathComponent(ref))?.trimmingCharacters(in: .whitespacesAndNewlines), isHash(loose) {
        return loose
    }
    for line in (read(common.appendingPathComponent("packed-refs")) ?? "").split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 2, parts[1] == ref, isHash(String(parts[0])) { return String(parts[0]) }
    }
    return "unknown"
}

var text = """
    // Generated at build time by senim-embed-config (the EmbedConfig plugin) from Config/.
    // Do not edit: edit Config/ and rebuild.

    /// The default configuration built into this executable: path relative to Config/ → base64 of
    /// the file's bytes.
    enum EmbeddedConfig {
        static let files: [String: String] = [

    """
for (path, data) in files {
    text += "        \(literal(path)): \"\(data.base64EncodedString())\",\n"
}
text += "    ]\n}\n\n/// What this executable was built from.\nenum BuildInfo {\n    static let commit = \(literal(commit()))\n}\n"
do {
    try fm.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
    let new = Data(text.utf8)
    if (try? Data(contentsOf: output)) != new { try new.write(to: output, options: .atomic) }
} catch {
    fail("cannot write \(output.path): \(error)")
}
