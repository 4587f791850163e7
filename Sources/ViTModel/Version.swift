/// vitkit's version, recorded in the files it writes (`verify --record` provenance).
public enum VitKitVersion {
    /// vitkit's version, recorded in expectations files and native metadata.
    public static let current = "0.1.0"
}
