using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Errors;

/// <summary>Bad input to a map fails before the syscall with an exception that names the map and the cause.</summary>
public sealed class MapValidationCauseTests
{
    public static TheoryData<bool> Backends => new() { true, false };

    [Theory]
    [MemberData(nameof(Backends))]
    public void TryLookup_UndefinedFlagBits_ThrowArgumentExceptionBeforeTheSyscall(bool inMemory)
    {
        using BpfMap<int, int> map = Factory(inMemory).CreateHash<int, int>(4, name: "flag_bits");
        map.Update(1, 10);
        byte[] key = BitConverter.GetBytes(1);
        byte[] value = new byte[4];
        var undefined = (BpfMapLookupFlags)1; // BPF_NOEXIST is an update flag; the kernel would answer EINVAL

        ArgumentException typed = Assert.Throws<ArgumentException>(() => map.TryLookup(1, out _, undefined));
        Assert.Throws<ArgumentException>(() => map.Map.TryLookup(key, value, undefined));
        Assert.Throws<ArgumentException>(() => map.Map.TryLookupAndDelete(key, value, undefined));
        Assert.Throws<ArgumentException>(() => map.Map.LookupBatch(new BpfMapBatchCursor(), new byte[4], new byte[4], undefined));

        Assert.Equal("flags", typed.ParamName);
        Assert.Equal(10, map[1]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Operations_DisposedMap_ObjectDisposedExceptionNamesTheMap(bool inMemory)
    {
        BpfMap<int, int> map = Factory(inMemory).CreateHash<int, int>(4, name: "gone_map");
        map.Dispose();

        ObjectDisposedException lookup = Assert.Throws<ObjectDisposedException>(() => map.TryLookup(1, out _));
        ObjectDisposedException id = Assert.Throws<ObjectDisposedException>(() => _ = map.Map.Id);
        ObjectDisposedException info = Assert.Throws<ObjectDisposedException>(() => map.Map.GetInfo());

        if (!inMemory)
        {
            // The twin's element operations are its own (InMemoryBpfMap.cs); the kernel backend names the map in every one.
            Assert.Equal("gone_map", lookup.ObjectName);
            Assert.DoesNotContain("BpfHandle", lookup.Message, StringComparison.Ordinal);
        }

        Assert.Equal("gone_map", id.ObjectName);
        Assert.Equal("gone_map", info.ObjectName);
    }

    [Fact]
    public void Unpin_DirectoryOrSymbolicLink_RefusedAndLeftInPlace()
    {
        BpfTestEnvironment.RequireBpfFs();
        string directory = Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchan_unpin_{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(directory);
        try
        {
            string subdirectory = Path.Combine(directory, "sub");
            Directory.CreateDirectory(subdirectory);
            using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "unpin_target");
            string pin = Path.Combine(directory, "pin");
            map.Map.Pin(pin);
            string link = Path.Combine(directory, "link");
            File.CreateSymbolicLink(link, pin);

            ArgumentException dir = Assert.Throws<ArgumentException>(() => BpfMap.Unpin(subdirectory));
            ArgumentException symlink = Assert.Throws<ArgumentException>(() => BpfMap.Unpin(link));

            Assert.Contains("a directory, not a pinned BPF object", dir.Message, StringComparison.Ordinal);
            Assert.Contains("a symbolic link, not a pinned BPF object", symlink.Message, StringComparison.Ordinal);
            Assert.True(Directory.Exists(subdirectory));
            Assert.NotNull(new FileInfo(link).LinkTarget);
            Assert.True(BpfMap.Unpin(pin));
            Assert.False(File.Exists(pin));
            Assert.False(BpfMap.Unpin(pin));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Pin_DanglingSymbolicLinkAtPath_RefusedNotReplaced()
    {
        BpfTestEnvironment.RequireBpfFs();
        string directory = Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchan_dangle_{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(directory);
        try
        {
            string link = Path.Combine(directory, "link");
            File.CreateSymbolicLink(link, Path.Combine(directory, "nowhere"));
            using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "dangle");

            BpfException e = Assert.Throws<BpfException>(() => map.Map.Pin(link));

            Assert.Equal(BpfError.AlreadyExists, e.Error);
            Assert.Equal(Path.Combine(directory, "nowhere"), new FileInfo(link).LinkTarget);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static BpfMapFactory Factory(bool inMemory)
    {
        if (!inMemory)
        {
            BpfTestEnvironment.RequireBpf();
        }

        return inMemory ? BpfMapFactory.InMemory : BpfMapFactory.Kernel;
    }
}
