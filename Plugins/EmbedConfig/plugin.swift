import Foundation
import PackagePlugin

/// Build-tool plugin: turns the package's `Config/` folder into `EmbeddedConfig.swift` in the
/// target that uses it, so the `senim` executable carries its default configuration and runs
/// from any folder. Every file under `Config/` is an input: editing, adding or removing one
/// regenerates the source on the next build (see docs/decisions.md, "Built-in configuration").
@main
struct EmbedConfig: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let config = context.package.directoryURL.appendingPathComponent("Config")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedConfig.swift")
        var inputs: [URL] = []
        let fm = FileManager.default
        if let walker = fm.enumerator(at: config, includingPropertiesForKeys: [.isRegularFileKey],
                                      options: [.skipsHiddenFiles]) {
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        // The commit this build is made from, for `senim --version`: the tool reads it from the
        // git metadata (no git process), and those files are inputs so a new commit regenerates.
        var arguments = [config.path, output.path]
        if let git = GitFiles(package: context.package.directoryURL) {
            arguments += [git.gitDir.path, git.commonDir.path]
            inputs += git.inputs
        }
        return [
            .buildCommand(
                displayName: "Embedding Config/ (\(inputs.count) files) into \(target.name)",
                executable: try context.tool(named: "senim-embed-config").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]),
        ]
    }
}

/// The files that name the checked-out commit: `HEAD` and the branch it points to.
struct GitFiles {
    var gitDir: URL
    var commonDir: URL
    var inputs: [URL]

    init?(package: URL) {
        let fm = FileManager.default
        let dotGit = package.appendingPathComponent(".git")
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dotGit.path, isDirectory: &isDir) else { return nil }
        if isDir.boolValue {
            gitDir = dotGit
        } else {
            // A worktree: ".git" is a file "gitdir: PATH".
            guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
                  let line = text.split(separator: "\n").first, line.hasPrefix("gitdir: ") else { return nil }
            let path = String(line.dropFirst("gitdir: ".count)).trimmingCharacters(in: .whitespaces)
            gitDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appendingPathComponent(path)
        }
        if let common = try? String(contentsOf: gitDir.appendingPathComponent("commondir"), encoding: .utf8) {
            let c = common.trimmingCharacters(in: .whitespacesAndNewlines)
            commonDir = c.hasPrefix("/") ? URL(fileURLWithPath: c) : gitDir.appendingPathComponent(c).standardizedFileURL
        } else {
            commonDir = gitDir
        }
        let head = gitDir.appendingPathComponent("HEAD")
        guard fm.fileExists(atPath: head.path) else { return nil }
        inputs = [head]
        if let text = try? String(contentsOf: head, encoding: .utf8), text.hasPrefix("ref: ") {
            let ref = text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)
            let loose = commonDir.appendingPathComponent(ref)
            let packed = commonDir.appendingPathComponent("packed-refs")
            if fm.fileExists(atPath: loose.path) { inputs.append(loose) }
            if fm.fileExists(atPath: packed.path) { inputs.append(packed) }
        }
    }
}
