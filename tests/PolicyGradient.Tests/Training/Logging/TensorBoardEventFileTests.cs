using System.Buffers.Binary;
using System.Text;
using PolicyGradient.Training.Logging;

namespace PolicyGradient.Tests.Training.Logging;

/// <summary>The event file TensorBoard reads: TFRecord framing with masked CRC-32C, one Event per update.</summary>
public sealed class TensorBoardEventFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("pg-tb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Crc32CHasTheCastagnoliCheckValueAndTheTfRecordMask()
    {
        Assert.Equal(0xE3069283u, TensorBoardEventFile.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        uint crc = 0xE3069283u;
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, TensorBoardEventFile.MaskedCrc32C(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, TensorBoardEventFile.Crc32C([]));
    }

    [Fact]
    public void EachUpdateIsOneVerifiedRecordHoldingAllItsScalars()
    {
        string path;
        using (var file = new TensorBoardEventFile(_dir))
        {
            path = file.Path;
            file.WriteScalars(256, [("train/policy_loss", -0.5f), ("rollout/episode_return_mean", 21.5f)]);
            file.WriteScalars(512, [("train/policy_loss", -0.25f)]);
        }
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
        var events = ReadRecords(File.ReadAllBytes(path)).Select(Tensorboard.Event.Parser.ParseFrom).ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(256, events[1].Step);
        Assert.Equal([("train/policy_loss", -0.5f), ("rollout/episode_return_mean", 21.5f)],
            events[1].Summary.Value.Select(v => (v.Tag, v.SimpleValue)));
        Assert.Equal(512, events[2].Step);
        Assert.True(events[2].WallTime >= events[1].WallTime && events[1].WallTime > 1.7e9);
    }

    // TFRecord: u64 length, u32 masked crc(length), data, u32 masked crc(data); every checksum verified.
    static IEnumerable<byte[]> ReadRecords(byte[] bytes)
    {
        int at = 0;
        var records = new List<byte[]>();
        while (at < bytes.Length)
        {
            var lengthBytes = bytes.AsSpan(at, 8);
            Assert.Equal(TensorBoardEventFile.MaskedCrc32C(lengthBytes), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            var data = bytes.AsSpan(at + 12, length).ToArray();
            Assert.Equal(TensorBoardEventFile.MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
            records.Add(data);
            at += 12 + length + 4;
        }
        return records;
    }
}
