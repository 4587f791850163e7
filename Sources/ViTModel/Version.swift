/// vitkit's version, recorded in the files it writes (`verify --record` provenance).
public enum VitKitVersion {
    public static let current = "0.1.0"
}
