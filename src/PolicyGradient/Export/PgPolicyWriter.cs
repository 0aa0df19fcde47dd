using System.Text;
using PolicyGradient.Policies;

namespace PolicyGradient.Export;

/// <summary>
/// Writes an <see cref="ExportedPolicy"/> as a .pgpolicy file, the format PolicyGradient.Inference reads
/// (version 1, little-endian; docs/deploy.md has the byte layout). The library writes it and the
/// Inference package reads it; neither references the other, so the constants here and there must agree
/// (the Deploy tests load every written file with the reader).
/// </summary>
public static class PgPolicyWriter
{
    /// <summary>The first 8 bytes of every .pgpolicy file.</summary>
    public const string Magic = "PGPOLICY";

    /// <summary>The format version written for a policy without action masks (the layout is unchanged since version 1).</summary>
    public const uint Version = 1;

    /// <summary>The format version written for a masked policy: version 1's layout with a flags byte after the version (bit 0: masked).</summary>
    public const uint MaskedVersion = 2;

    /// <summary>Writes <paramref name="policy"/> to <paramref name="path"/> (replacing it).</summary>
    public static void Write(ExportedPolicy policy, string path)
    {
        using var stream = File.Create(path);
        Write(policy, stream);
    }

    /// <summary>Writes <paramref name="policy"/> to <paramref name="stream"/>.</summary>
    public static void Write(ExportedPolicy policy, Stream stream)
    {
        // BinaryWriter is little-endian on every platform.
        using var w = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true);
        w.Write(Encoding.ASCII.GetBytes(Magic));
        w.Write(policy.Masked ? MaskedVersion : Version);
        if (policy.Masked) w.Write((byte)1); // flags: bit 0 = the policy takes an action mask
        w.Write(policy.ObservationSize);
        w.Write((byte)policy.Head);
        w.Write(policy.ActionSize);
        w.Write(policy.DiscreteStart);
        w.Write((byte)(policy.Normalization is null ? 0 : 1));
        if (policy.Normalization is { } n)
        {
            w.Write(n.Clip);
            foreach (double m in n.Mean) w.Write(m);
            foreach (double s in n.Std) w.Write(s);
        }
        w.Write(policy.Layers.Count);
        foreach (var layer in policy.Layers)
        {
            w.Write(layer.Inputs);
            w.Write(layer.Outputs);
            w.Write(ActivationByte(layer.Activation));
            foreach (float x in layer.Weights) w.Write(x);
            foreach (float x in layer.Bias) w.Write(x);
        }
        if (!policy.IsDiscrete)
        {
            foreach (float x in policy.Low!) w.Write(x);
            foreach (float x in policy.High!) w.Write(x);
        }
    }

    static byte ActivationByte(Activation? activation) => activation switch
    {
        null => 0,
        Activation.Tanh => 1,
        Activation.ReLU => 2,
        _ => throw new PolicyExportException($"activation {activation} has no .pgpolicy code (tanh and relu only)"),
    };
}
