using System.Buffers.Binary;

namespace BpfChannels.Tests.Maps;

/// <summary>The key index of snapshots and of a notified channel's noticed keys.</summary>
public sealed class ByteKeySetTests
{
    [Fact]
    public void Clear_AfterABurstGrewTheIndex_ShrinksSoAClearCostsWhatIsIndexedNow()
    {
        var set = new ByteKeySet();
        byte[] keys = Keys(20_000);
        set.Build(keys, sizeof(uint), 20_000);
        int grown = set.Slots;
        Assert.True(grown >= 40_000, $"{grown} slots for 20,000 keys");

        set.Clear(1); // one notice after a drain of 20,000

        Assert.True(set.Slots <= 16, $"{set.Slots} slots left for one key");
        set.Add(keys.AsSpan(0, sizeof(uint)), 0);
        Assert.Equal(0, set.IndexOf(keys.AsSpan(0, sizeof(uint)), keys));
        Assert.Equal(-1, set.IndexOf(keys.AsSpan(sizeof(uint), sizeof(uint)), keys));
    }

    [Fact]
    public void Clear_ForAboutAsManyKeys_KeepsItsSlots()
    {
        var set = new ByteKeySet();
        byte[] keys = Keys(20_000);
        set.Build(keys, sizeof(uint), 20_000);
        int grown = set.Slots;

        set.Clear(15_000); // a poll of a map about as big as the last: no new buffer

        Assert.Equal(grown, set.Slots);
        Assert.Equal(0, set.Count);
        Assert.Equal(-1, set.IndexOf(keys.AsSpan(0, sizeof(uint)), keys));
    }

    private static byte[] Keys(int count)
    {
        byte[] keys = new byte[count * sizeof(uint)];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * sizeof(uint)), (uint)(i * 7919));
        }

        return keys;
    }
}
