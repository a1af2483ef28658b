import Foundation

/// The default configuration built into the executable by the EmbedConfig plugin
/// (Plugins/EmbedConfig; `EmbeddedConfig` is generated from Config/ at build time).
enum BuiltInConfig {
    static let files: [String: Data] = EmbeddedConfig.files.compactMapValues { Data(base64Encoded: $0) }
}
