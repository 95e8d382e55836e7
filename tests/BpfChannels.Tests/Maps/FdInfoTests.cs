using System.Globalization;
using System.Text;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>The fdinfo reader (raw open/read, parsed as bytes) on odd text, on files longer than its buffer, and against the kernel.</summary>
public sealed class FdInfoTests
{
    private static BpfFdInfo Parse(string text) => new(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void GetValue_FieldPresent_ReturnsValueWithoutBlanks()
    {
        BpfFdInfo info = Parse("pos:\t0\nflags:\t02000002\nmap_type:\t1\nmemlock:  \t 6224 \t\nfrozen:\t0\n");
        Assert.Equal("02000002", info.GetValue("flags"));
        Assert.Equal("6224", info.GetValue("memlock"));
        Assert.Equal("0", info.GetValue("frozen"));
    }

    [Fact]
    public void GetValue_MissingOrPrefixOnly_ReturnsNull()
    {
        // "frozen" is a prefix of "frozen_x" and "map" of "map_type": neither may match a shorter field.
        BpfFdInfo info = Parse("frozen_x:\t1\nmap_type:\t1\nmap\t2\n");
        Assert.Null(info.GetValue("frozen"));
        Assert.Null(info.GetValue("map"));
        Assert.Null(info.GetValue("memlock"));
        Assert.Null(Parse(string.Empty).GetValue("memlock"));
    }

    [Fact]
    public void GetValue_LastLineWithoutNewlineOrValue_ReturnsWhatIsThere()
    {
        BpfFdInfo info = Parse("memlock:\t\nprog_tag:\t0123456789abcdef");
        Assert.Equal(string.Empty, info.GetValue("memlock"));
        Assert.Equal("0123456789abcdef", info.GetValue("prog_tag"));
        Assert.False(info.TryGetNumber("memlock", out _));
    }

    [Fact]
    public void GetValue_LineLongerThanReadBuffer_ReturnsWholeValue()
    {
        string addresses = string.Join(' ', Enumerable.Range(0, 600).Select(i => "0x" + (0xffffffff81000000 + (ulong)i).ToString("x", CultureInfo.InvariantCulture)));
        BpfFdInfo info = Parse($"link_type:\tkprobe_multi\naddresses:\t{addresses}\nlink_id:\t7\n");
        Assert.True(addresses.Length > global::BpfChannels.Interop.Libc.FdInfoFirstRead * 4);
        Assert.Equal(addresses, info.GetValue("addresses"));
        Assert.True(info.TryGetNumber("link_id", out long id));
        Assert.Equal(7, id);
    }

    [Theory]
    [InlineData("6224", true, 6224L)]
    [InlineData("-1", true, -1L)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("-9223372036854775808", true, long.MinValue)]
    [InlineData("9223372036854775808", false, 0L)]
    [InlineData("99999999999999999999", false, 0L)]
    [InlineData("02000002x", false, 0L)]
    [InlineData("-", false, 0L)]
    [InlineData("1 2", false, 0L)]
    [InlineData("+5", false, 0L)]
    [InlineData("-0", true, 0L)]
    [InlineData("0007", true, 7L)]
    [InlineData("1,000", false, 0L)]
    [InlineData("1e3", false, 0L)]
    [InlineData("0x10", false, 0L)]
    public void TryGetNumber_Text_ParsesOnlyWholeDecimalNumbers(string text, bool parses, long expected)
    {
        Assert.Equal(parses, Parse($"memlock:\t{text}\n").TryGetNumber("memlock", out long value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryGetNumber_FieldPresentOrMissing_AllocatesNothing()
    {
        BpfFdInfo info = Parse("pos:\t0\nflags:\t02000002\nmap_type:\t1\nmemlock:\t6224\nfrozen:\t0\n");
        Assert.True(info.TryGetNumber("memlock", out _)); // JIT outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool found = info.TryGetNumber("memlock", out long memlock);
        bool missing = info.TryGetNumber("max_entries", out _);
        bool frozen = info.TryGetNumber("frozen", out long zero);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(found && frozen && !missing);
        Assert.Equal(6224, memlock);
        Assert.Equal(0, zero);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void GetValue_FieldNameCaseOrNonAsciiBytes_MatchesOnlyExactNameAndKeepsBytes()
    {
        // Names are compared exactly (the kernel's are lower case); bytes above 0x7f are kept as the chars of that value.
        byte[] text = [.. "Memlock:\t1\nname:\t"u8, 0xe9, 0xff, .. "\n"u8];
        var info = new BpfFdInfo(text);
        Assert.Null(info.GetValue("memlock"));
        Assert.Equal("1", info.GetValue("Memlock"));
        Assert.Equal("\u00e9\u00ff", info.GetValue("name"));
        Assert.Equal("Memlock:\t1\nname:\t\u00e9\u00ff\n", info.ToString());
    }

    [Fact]
    public void GetValue_EmptyField_ThrowsArgumentException()
    {
        BpfFdInfo info = Parse("memlock:\t1\n");
        Assert.Throws<ArgumentException>(() => info.GetValue(string.Empty));
        Assert.Throws<ArgumentException>(() => info.TryGetNumber(string.Empty, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(2048)]
    [InlineData(70_001)]
    public unsafe void ReadSmallFile_AnyLength_ReturnsEveryByte(int length)
    {
        string path = Path.Combine(Path.GetTempPath(), $"fdinfo_{Guid.NewGuid():N}");
        byte[] expected = new byte[length];
        new Random(length).NextBytes(expected);
        File.WriteAllBytes(path, expected);
        try
        {
            byte[] name = Encoding.UTF8.GetBytes(path + "\0");
            int errno;
            byte[] text;
            fixed (byte* p = name)
            {
                errno = global::BpfChannels.Interop.Libc.ReadSmallFile(p, out text);
            }

            Assert.Equal(0, errno);
            Assert.Equal(expected, text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public unsafe void ReadSmallFile_Missing_ReturnsENOENT()
    {
        byte[] name = Encoding.UTF8.GetBytes($"/tmp/fdinfo_missing_{Guid.NewGuid():N}\0");
        fixed (byte* p = name)
        {
            Assert.Equal(global::BpfChannels.Interop.Errno.ENOENT, global::BpfChannels.Interop.Libc.ReadSmallFile(p, out byte[] text));
            Assert.Empty(text);
        }
    }

    [Fact]
    public void Read_KernelMap_MatchesProcFile()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "fdinfo_read");
        BpfFdInfo info = BpfFdInfo.Read(map.Map.Handle);
        string proc = File.ReadAllText($"/proc/self/fdinfo/{map.Map.Handle.FileDescriptor}");
        Assert.Equal(proc, info.ToString());
        Assert.True(info.TryGetNumber("map_type", out long type));
        Assert.Equal((long)BpfMapType.Hash, type);
        Assert.True(info.TryGetNumber("value_size", out long valueSize));
        Assert.Equal(8, valueSize);
        Assert.True(info.TryGetNumber("memlock", out long memlock));
        Assert.True(memlock > 0);
        Assert.Equal(map.Map.Id.ToString(CultureInfo.InvariantCulture), info.GetValue("map_id"));
    }

    [Fact]
    public void Read_ClosedHandle_ThrowsObjectDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(4, name: "fdinfo_closed");
        BpfHandle handle = map.Map.Handle;
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => BpfFdInfo.Read(handle));
        Assert.Throws<ObjectDisposedException>(() => BpfMapInfo.FromHandle(handle));
    }

    [Fact]
    public void FromHandle_SecondReadAfterFreeze_ReportsFrozenAndSameAttributes()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(32, name: "fdinfo_cached");
        BpfMapInfo first = BpfMapInfo.FromHandle(map.Map.Handle);
        Assert.False(first.IsFrozen);
        map.Map.Freeze();
        BpfMapInfo second = BpfMapInfo.FromHandle(map.Map.Handle);
        Assert.True(second.IsFrozen);
        Assert.Equal(first with { IsFrozen = true, MemoryLockedBytes = second.MemoryLockedBytes }, second);
        Assert.Equal(32, second.MaxEntries);
        Assert.Equal("fdinfo_cached", second.Name);
    }

    [Fact]
    public void FromHandle_MemlockOfGrowingMap_FollowsKernel()
    {
        BpfTestEnvironment.RequireBpf();
        // A map without preallocation is charged per entry: a cached memlock would stay at the first value.
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(4096, BpfMapFlags.NoPrealloc, "fdinfo_memlock");
        long before = map.Map.GetInfo().MemoryLockedBytes ?? throw new InvalidOperationException("no memlock in fdinfo");
        for (uint key = 0; key < 4096; key++)
        {
            map.Update(key, key);
        }

        long after = map.Map.GetInfo().MemoryLockedBytes ?? throw new InvalidOperationException("no memlock in fdinfo");
        Assert.True(BpfFdInfo.Read(map.Map.Handle).TryGetNumber("memlock", out long proc));
        Assert.Equal(proc, after);
        Assert.True(after > before, $"memlock {before} then {after}");
    }

    [Fact]
    public void FromHandle_DuplicateDescriptor_ReadsSameMap()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(4, name: "fdinfo_twice");
        // A duplicate is another descriptor object: it is read from the kernel, not from the first one's entry.
        using BpfHandle duplicate = BpfHandle.Duplicate(map.Map.Handle.FileDescriptor);
        Assert.Equal(BpfMapInfo.FromHandle(map.Map.Handle).Id, BpfMapInfo.FromHandle(duplicate).Id);
    }

    [Fact]
    public void FromHandle_MapDescriptorAsProgramOrLink_ThrowsEINVALNamingWhatItIsNot()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(4, name: "fdinfo_kind");

        // fdinfo shows a map's fields, not prog_type or link_type: refused before BPF_OBJ_GET_INFO_BY_FD reads a map's info as a program's.
        BpfException program = Assert.Throws<BpfException>(() => BpfProgramInfo.FromHandle(map.Map.Handle));
        Assert.Equal(BpfError.InvalidArgument, program.Error);
        Assert.Contains("not a BPF program", program.Message, StringComparison.Ordinal);
        BpfException link = Assert.Throws<BpfException>(() => BpfLinkInfo.FromHandle(map.Map.Handle));
        Assert.Equal(BpfError.InvalidArgument, link.Error);
        Assert.Contains("not a BPF link", link.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTwin_BtfDescriptorThatIsAMap_ThrowsArgumentException()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> notBtf = BpfMap.CreateHash<uint, ulong>(4, name: "fdinfo_notbtf");
        var spec = new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 4, Btf = notBtf.Map.Handle, BtfKeyTypeId = 1, BtfValueTypeId = 1 };
        ArgumentException e = Assert.Throws<ArgumentException>(() => BpfMapFactory.InMemory.Create(spec).Dispose());
        Assert.Contains("not a BTF object", e.Message, StringComparison.Ordinal);
    }
}
