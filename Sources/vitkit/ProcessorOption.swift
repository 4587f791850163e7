import ArgumentParser
import VitKit

extension ImageProcessorKind: ExpressibleByArgument {}

/// `--processor pillow|fast`, for the commands that preprocess images.
struct ProcessorOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Image processor to reproduce: pillow (transformers' ViT/DeiT/BiT ImageProcessor) or fast (their torchvision ...ImageProcessorFast; pixel values differ by up to a few 1e-2). Default: the one image_processor_type in preprocessor_config.json names, else pillow; verify --expectations replays the file's.",
        valueName: "pillow|fast"))
    var processor: ImageProcessorKind?
}
