import BenchCore
import Foundation

// The core figures without crypto or the store, for profilers:
//   valgrind --tool=callgrind .build/release/senim-prof loader --contacts 100000
let args = Array(CommandLine.arguments.dropFirst())
let n = args.firstIndex(of: "--contacts").flatMap { Int(args[$0 + 1]) } ?? 1_000_000
do {
    switch args.first ?? "" {
    case "core": try CoreBench.run(contacts: n)
    case "loader": try CoreBench.loaderOnly(contacts: n)
    default: print("usage: senim-prof core|loader [--contacts N]")
    }
} catch {
    FileHandle.standardError.write("senim-prof: \(error)\n".data(using: .utf8)!)
    exit(1)
}
