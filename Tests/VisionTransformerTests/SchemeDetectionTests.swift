import Foundation
import Testing
import Checkpoints
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing

/// Scheme detection stays linear in the names' length and stops a scheme once it cannot win;
/// matching keeps its rules (block indices 0-9999 without leading zeros, container decorations).
@Suite("scheme detection")
struct SchemeDetectionTests {
    /// `n` names as a crafted header mixes them: real block names of every scheme, near misses
    /// (leading zero, five digits, non-ASCII digit), unrelated short names and long paths.
    static func names(_ n: Int) -> [String] {
        let long = String(repeating: "vitx/", count: 60)
        let templates: [(Int) -> String] = [
            { "vit.encoder.layer.\($0 % 10_000).attention.attention.query.weight" },
            { "tf_vi_t_model/vit/encoder/layer_._\($0 % 10_000)/output/dense/bias:0" },
            { "opt/target/Transformer/encoderblock_\($0 % 10_000)/MlpBlock_3/Dense_0/kernel" },
            { "blocks.\($0 % 10_000).attn.qkv.weight" },
            { "layers.\($0 % 10_000).fc2.bias" },
            { "encoder.layer.0\($0).output.dense.bias" },
            { "blocks.1\($0 % 10_000 + 10_000).norm1.weight" },
            { "encoder.layer.\u{0663}\($0).output.dense.bias" },
            { "t\($0)" },
            { "\(long)\($0)/\(long)" },
        ]
        return (0..<n).map { templates[$0 % templates.count]($0 / templates.count) }
    }

    static func bytes(_ names: [String]) -> Int { names.reduce(0) { $0 + $1.utf8.count } }

    @Test func workIsBoundedByTheBytesOfTheNames() {
        for n in [100, 1_000, 4_000] {
            let names = Self.names(n)
            let ranking = SchemeDetection.rank(names)
            // Each scheme looks at each byte of a name at most about twice (measured: 2.2 bytes per
            // byte over all five schemes); the old per-rule scan looked at it once per rule.
            #expect(ranking.work <= 2 * NamingScheme.all.count * Self.bytes(names), "n \(n): work \(ranking.work), bytes \(Self.bytes(names))")
            #expect(ranking.namesExamined <= NamingScheme.all.count * n)
        }
    }

    @Test func workGrowsLinearlyWithTheNameCount() {
        let small = SchemeDetection.rank(Self.names(2_000)).work
        let large = SchemeDetection.rank(Self.names(8_000)).work
        // Four times the names (a little longer: larger indices) must cost about four times the
        // work; a quadratic matcher would cost sixteen times.
        #expect(Double(large) <= 4.5 * Double(small), "2000 names: \(small), 8000 names: \(large)")
    }

    @Test(arguments: [
        ("models/hf-classifier/model.safetensors", NamingScheme.ID.hf, 2),
        ("models/timm/classifier.safetensors", .timm, 3),
    ])
    func schemesAfterAFullMatchAreNotEvaluated(path: String, scheme: NamingScheme.ID, schemesExamined: Int) throws {
        let names = try Checkpoint.open(Fixtures.sample(path)).source.tensors.map(\.name)
        let ranking = SchemeDetection.rank(names)
        #expect(ranking.best?.id == scheme)
        #expect(ranking.best?.count == names.count)
        // Preference order is native, hf, timm, tf, jax: the schemes after the one matching every
        // name cannot beat it and look at no name.
        #expect(ranking.namesExamined == schemesExamined * names.count)
    }

    @Test func unrelatedNamesScoreZero() {
        let ranking = SchemeDetection.rank(["t0", "t1", "optimizer.step"])
        #expect(ranking.best?.count == 0)
    }

    @Test(arguments: [
        ("vit.encoder.layer.11.attention.attention.key.bias", NamingScheme.ID.hf, "layers.11.k.bias"),
        ("encoder.layer.0.layernorm_before.weight", .hf, "layers.0.ln1.weight"),
        ("encoder.layer.9999.output.dense.bias", .hf, "layers.9999.fc2.bias"),
        ("encoder.layer.01.layernorm_before.weight", .hf, nil),
        ("encoder.layer.10000.layernorm_before.weight", .hf, nil),
        ("encoder.layer..output.dense.bias", .hf, nil),
        ("encoder.layer.\u{0663}.output.dense.bias", .hf, nil),
        ("encoder.layer.1.output.dense.bias.", .hf, nil),
        ("classifier.bias", .hf, "classifier.bias"),
        ("tf_vi_t_for_image_classification/vit/encoder/layer_._3/attention/attention/query/kernel:0", .tf, "layers.3.q.weight"),
        ("tf_vi_t_for_image_classification/classifier/kernel:0", .tf, "classifier.weight"),
        ("vit/layernorm/gamma", .tf, "ln.weight"),
        ("outer/inner/vit/pooler/dense/bias:0", .tf, "pooler.bias"),
        ("outer/vitx/pooler/dense/bias:0", .tf, nil),
        ("opt/target/Transformer/encoderblock_2/MultiHeadDotProductAttention_1/out/bias", .jax, "layers.2.o.bias"),
        ("params/Transformer/encoderblock_2/MlpBlock_0/Dense_1/kernel", .jax, "layers.2.fc2.weight"),
        ("Transformer/posembed_input/pos_embedding", .jax, "pos"),
        ("pos_embedding", .jax, "pos"),
        ("blocks.5.attn.qkv.weight", .timm, "layers.5.q.weight"),
        ("layers.7.ln2.bias", .native, "layers.7.ln2.bias"),
        ("layers.7.ln2.bias\u{0301}", .native, nil),
    ] as [(String, NamingScheme.ID, String?)])
    func matchesTheRules(stored: String, scheme: NamingScheme.ID, canonical: String?) {
        #expect(SchemeMatcher(.named(scheme)).match(stored)?.canonical.first == canonical)
    }

    @Test(arguments: [
        ("tf_vi_t_model/vit/embeddings/cls_token:0", NamingScheme.ID.tf, "vit/embeddings/cls_token"),
        ("a/b/classifier/bias", .tf, "classifier/bias"),
        ("vit/x/vit/y", .tf, "vit/x/vit/y"),
        ("vit.layernorm.weight", .hf, "layernorm.weight"),
        ("opt/target/cls", .jax, "cls"),
        ("params/opt/target/cls", .jax, "opt/target/cls"),
        ("blocks.0.norm1.weight", .timm, "blocks.0.norm1.weight"),
    ] as [(String, NamingScheme.ID, String)])
    func normalizationDropsContainerDecorations(stored: String, scheme: NamingScheme.ID, rulesSee: String) {
        #expect(NamingScheme.named(scheme).normalize(stored) == rulesSee)
    }

    @Test(arguments: [
        ("layers.3.q.weight", NamingScheme.ID.tf, "tf_vi_t_model/vit/encoder/layer_._3/attention/attention/query/kernel:0"),
        ("layers.12.k.bias", .timm, "blocks.12.attn.qkv.bias"),
        ("layers.0.fc1.weight", .jax, "Transformer/encoderblock_0/MlpBlock_3/Dense_0/kernel"),
        ("pos", .hf, "embeddings.position_embeddings"),
        ("not.a.parameter", .hf, "not.a.parameter"),
    ] as [(String, NamingScheme.ID, String)])
    func writtenNamesComeFromTheFirstExternalName(canonical: String, scheme: NamingScheme.ID, written: String) {
        #expect(NamingScheme.named(scheme).externalName(forCanonical: canonical, config: ViTConfig()) == written)
    }
}
