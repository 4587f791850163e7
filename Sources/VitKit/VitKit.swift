// One import for library users: `import VitKit` gives every public type and error of the
// targets below (each can also be imported alone, e.g. only `ViTConversion` to convert).
@_exported import Checkpoints
@_exported import Drawing
@_exported import EvaluationPlot
@_exported import Preprocessing
@_exported import Tensors
@_exported import ViTConversion
@_exported import ViTEmbedding
@_exported import ViTEvaluation
@_exported import ViTInference
@_exported import ViTModel
@_exported import ViTPictures
@_exported import ViTVerification
