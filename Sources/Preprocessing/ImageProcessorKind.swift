/// Which transformers image processor implementation vitkit reproduces.
///
/// The two give pixel values that differ by up to a few 1e-2: they resize with different
/// fixed-point arithmetic, pad a too-small image on different sides, and normalise in a
/// different order. Use the one the model's users preprocess with.
public enum ImageProcessorKind: String, Sendable, Equatable, CaseIterable {
    /// The classic processors (`ViTImageProcessor`, `DeiTImageProcessor`,
    /// `BitImageProcessor`): Pillow resize of the 8-bit image, numpy crop and normalisation.
    case pillow
    /// The torchvision processors (`ViTImageProcessorFast`, `DeiTImageProcessorFast`,
    /// `BitImageProcessorFast`): `F.resize(uint8 tensor, antialias=True)`, torch crop and a
    /// normalisation with mean and std pre-divided by the rescale factor.
    case fast
}

/// The transformers processor classes whose `preprocessor_config.json` vitkit follows.
package enum ImageProcessorFamily: String, Sendable, Equatable {
    /// `ViTImageProcessor(Fast)` (also `ViTFeatureExtractor`): resize to height x width.
    case vit = "ViT"
    /// `DeiTImageProcessor(Fast)` (also `DeiTFeatureExtractor`): resize to height x width
    /// (an integer `size` means a square), then center crop.
    case deit = "DeiT"
    /// `BitImageProcessor(Fast)` (DINOv2's): resize the shortest edge, then center crop.
    case bit = "Bit"

    /// The family and implementation named by `image_processor_type` or
    /// `feature_extractor_type`, nil for any other class.
    package static func parse(_ type: String) -> (family: ImageProcessorFamily, kind: ImageProcessorKind)? {
        for family in [ImageProcessorFamily.vit, .deit, .bit] {
            switch type {
            case family.rawValue + "ImageProcessor": return (family, .pillow)
            case family.rawValue + "FeatureExtractor" where family != .bit: return (family, .pillow)
            case family.rawValue + "ImageProcessorFast": return (family, .fast)
            default: continue
            }
        }
        return nil
    }
}
