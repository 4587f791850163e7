// VisionTransformer
