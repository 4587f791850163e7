import ImageIO
import Tensors

/// Writes a pixel tensor as a float32 `.npy`.
enum PixelDump {
    static func write(_ tensor: Tensor, to path: String) throws {
        try ImagePreprocessor.writeNPY(tensor, path: path)
    }
}
