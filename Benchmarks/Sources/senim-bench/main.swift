import Foundation

let args = CommandLine.arguments.dropFirst()
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), args.index(after: i) < args.endIndex else { return nil }
    return args[args.index(after: i)]
}
do {
    switch args.first ?? "" {
    case "core":
        try CoreBench.run(contacts: Int(option("--contacts") ?? "") ?? 1_000_000)
    case "loader":
        try CoreBench.loaderOnly(contacts: Int(option("--contacts") ?? "") ?? 1_000_000)
    default:
        print("usage: senim-bench core [--contacts N]")
    }
} catch {
    FileHandle.standardError.write("senim-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
