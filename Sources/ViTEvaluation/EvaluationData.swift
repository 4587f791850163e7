import Tensors

/// Labelled images to evaluate a classifier on.
///
/// DATA is one of
/// - an image folder with one sub-folder per class (the layout of `datasets`' imagefolder and
///   torchvision's `ImageFolder`): sub-folder names are the labels; PNG and JPEG files
///   (`.png`, `.jpg`, `.jpeg`, any case) are taken, class folders and files in sorted order,
///   hidden entries and other files ignored;
/// - a CSV manifest (`.csv`) whose header names the columns `path` and `label` (others are
///   ignored; fields may be quoted as in RFC 4180, on one line);
/// - a JSON-lines manifest (`.jsonl`, `.ndjson`; or any file whose first character is `{`)
///   with one `{"path": ..., "label": ...}` object per line.
/// In manifests, relative paths are relative to the manifest's directory, labels are names
/// or integer ids (a JSON number, or in CSV digits that are not a label name), and blank
/// lines are skipped.
public struct EvaluationData: Sendable {
    /// A label as DATA gives it.
    public enum Label: Sendable, Hashable, CustomStringConvertible {
        /// A class name (a sub-folder name, a CSV field, a JSON string).
        case name(String)
        /// A class id (a JSON integer).
        case id(Int)

        /// The label as written in DATA.
        public var description: String {
            switch self {
            case .name(let s): s
            case .id(let i): String(i)
            }
        }
    }

    /// One labelled image.
    public struct Item: Sendable {
        /// The image's path (manifest-relative paths already joined to the manifest's directory).
        public var path: String
        /// The image's class as DATA names it.
        public var label: Label
    }

    /// Where the items came from.
    public enum Source: String, Sendable {
        case imageFolder = "image folder", csv = "CSV manifest", jsonLines = "JSON-lines manifest"
    }

    /// The DATA path as given.
    public let path: String
    /// Which kind of DATA it was.
    public let source: Source
    /// Every image, in folder or manifest order.
    public let items: [Item]

    /// Reads an image folder or a manifest.
    ///
    /// - Throws: `EvaluationError.manifest` naming the file and line of a bad manifest line;
    ///   `.data` when `path` is neither or holds no images; `CheckpointError` when a file
    ///   cannot be read.
    public init(path: String) throws {
        self.path = path
        if FileSystem.isDirectory(path) {
            source = .imageFolder
            items = try Self.imageFolder(path)
        } else {
            guard FileSystem.exists(path) else { throw EvaluationError.data(path: path, reason: "no such file or directory") }
            let bytes = try FileSystem.readFile(path, limit: 1 << 30)
            let lower = path.lowercased()
            let firstByte = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonlines") || (!lower.hasSuffix(".csv") && firstByte == UInt8(ascii: "{")) {
                source = .jsonLines
                items = try Self.jsonLines(bytes, manifest: path)
            } else if lower.hasSuffix(".csv") {
                source = .csv
                items = try Self.csv(bytes, manifest: path)
            } else {
                throw EvaluationError.data(path: path, reason: "not an image folder, a CSV manifest (.csv) or a JSON-lines manifest (.jsonl)")
            }
        }
        guard !items.isEmpty else { throw EvaluationError.data(path: path, reason: "holds no images") }
    }

    /// Image file extensions an image folder's classes are read from.
    static let imageExtensions = [".png", ".jpg", ".jpeg"]

    static func imageFolder(_ root: String) throws -> [Item] {
        var items: [Item] = []
        var classes = 0
        for name in try FileSystem.listDirectory(root) where !name.hasPrefix(".") {
            let dir = FileSystem.join(root, name)
            guard FileSystem.isDirectory(dir) else { continue }
            classes += 1
            for file in try FileSystem.listDirectory(dir) where !file.hasPrefix(".") {
                let lower = file.lowercased()
                guard imageExtensions.contains(where: { lower.hasSuffix($0) }) else { continue }
                let p = FileSystem.join(dir, file)
                guard FileSystem.kind(of: p) != .directory else { continue }
                items.append(Item(path: p, label: .name(name)))
            }
        }
        guard classes > 0 else {
            throw EvaluationError.data(path: root, reason: "has no class sub-folders (an image folder holds one sub-folder of images per label)")
        }
        return items
    }

    /// `path` joined to the manifest's directory unless absolute.
    static func resolve(_ path: String, manifest: String) -> String {
        if path.hasPrefix("/") { return path }
        let dir = FileSystem.directoryName(of: manifest)
        return dir.isEmpty || dir == "." ? path : FileSystem.join(dir, path)
    }
}
