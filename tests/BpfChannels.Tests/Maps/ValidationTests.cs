namespace BpfChannels.Tests.Maps;

/// <summary>Bad input fails before any syscall (these run without privileges).</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData(BpfMapType.Queue, 4, 8, 8, "no key")]
    [InlineData(BpfMapType.Array, 8, 8, 8, "key size must be 4")]
    [InlineData(BpfMapType.Hash, 0, 8, 8, "key size greater than 0")]
    [InlineData(BpfMapType.Hash, 4, 0, 8, "value size greater than 0")]
    [InlineData(BpfMapType.RingBuffer, 0, 0, 3000, "power of two")]
    [InlineData(BpfMapType.LpmTrie, 8, 8, 8, "NoPrealloc")]
    public void Validate_BadSpec_ExplainsWhich(BpfMapType type, int keySize, int valueSize, int maxEntries, string expected)
    {
        var spec = new BpfMapSpec { Type = type, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries };
        ArgumentException e = Assert.Throws<ArgumentException>(() => spec.Validate());
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dash-name")]
    [InlineData("sixteen_chars_xx")]
    public void ValidateName_Refused(string name) => Assert.Throws<ArgumentException>(() => BpfMapSpec.ValidateName(name));

    [Theory]
    [InlineData("counters")]
    [InlineData("map.v2_x")]
    [InlineData("fifteen_chars_x")]
    public void ValidateName_Accepted(string name) => BpfMapSpec.ValidateName(name);

    [Fact]
    public void Validate_PerfEventArrayWithoutSize_DefaultsToPossibleCpus()
    {
        BpfMapSpec spec = new BpfMapSpec { Type = BpfMapType.PerfEventArray, KeySize = 4, ValueSize = 4 }.Validate();
        Assert.Equal(BpfSystem.PossibleCpuCount, spec.MaxEntries);
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-1", 2)]
    [InlineData("0-3,8-11", 8)]
    [InlineData("0,2,4", 3)]
    public void ParseCpuListCount_CountsRanges(string list, int expected) => Assert.Equal(expected, BpfSystem.ParseCpuListCount(list));

    [Fact]
    public void PerCpuMap_ValuesCountMustMatchCpus()
    {
        using BpfPerCpuMap<int, long> map = BpfMapFactory.InMemory.CreatePerCpuHash<int, long>(4);
        ArgumentException e = Assert.Throws<ArgumentException>(() => map.Update(1, new long[map.CpuCount + 1]));
        Assert.Contains("one per possible CPU", e.Message);
    }
}
