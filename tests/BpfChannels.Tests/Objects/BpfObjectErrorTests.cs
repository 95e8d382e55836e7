using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>Every way of getting an object wrong gives a clear exception and leaves no descriptor open.</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class BpfObjectErrorTests
{
    [Fact]
    public void Open_CorruptElf_ThrowsBpfExceptionWithoutFdLeak()
    {
        BpfTestEnvironment.RequireBpf();
        byte[] elf = File.ReadAllBytes(BpfObjectTests.ObjectPath("test_objects"));
        byte[] corrupt = elf[..(elf.Length / 3)];
        corrupt[20] ^= 0xFF;
        FdCount.AssertNoLeak(() =>
        {
            BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.Open(corrupt, "corrupt"));
            Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
            Assert.Contains("ELF", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Open_NotAnElf_ThrowsBpfException()
    {
        BpfTestEnvironment.RequireBpf();
        BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.Open("hello, not an ELF file"u8, "text"));
        Assert.Contains("ELF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => BpfObject.Open("/nonexistent/x.bpf.o"));
    }

    [Fact]
    public void Load_VerifierRejects_ThrowsWithLogAndProgramWithoutFdLeak()
    {
        BpfTestEnvironment.RequireBpf();
        FdCount.AssertNoLeak(() =>
        {
            BpfVerifierException e = Assert.Throws<BpfVerifierException>(() => BpfObject.LoadFile(BpfObjectTests.ObjectPath("rejected")));
            Assert.Equal("unchecked", e.ObjectName);
            Assert.Equal(BpfError.AccessDenied, e.Error);
            Assert.Contains("invalid mem access 'map_value_or_null'", e.VerifierLog, StringComparison.Ordinal);
            Assert.Contains("map_value_or_null", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Load_VerifierLogDisabled_ThrowsBpfExceptionWithErrno()
    {
        BpfTestEnvironment.RequireBpf();
        BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.LoadFile(BpfObjectTests.ObjectPath("rejected"), new BpfObjectOptions { VerifierLogSize = 0 }));
        Assert.IsNotType<BpfVerifierException>(e);
        Assert.Equal(BpfError.AccessDenied, e.Error);
    }

    [Fact]
    public void GetMapAndGetProgram_MissingName_ThrowKeyNotFoundListingNames()
    {
        BpfTestEnvironment.RequireBpf();
        FdCount.AssertNoLeak(() =>
        {
            using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("test_objects"));
            KeyNotFoundException map = Assert.Throws<KeyNotFoundException>(() => obj.GetMap("nope"));
            Assert.Contains("config_map, results, xdp_stats", map.Message, StringComparison.Ordinal);
            KeyNotFoundException program = Assert.Throws<KeyNotFoundException>(() => obj.GetProgram("nope"));
            Assert.Contains("compute", program.Message, StringComparison.Ordinal);
            Assert.False(obj.TryGetProgram("nope", out _));
            Assert.False(obj.TryGetMapDefinition("nope", out _));
        });
    }

    [Fact]
    public void AttachTracepoint_Nonexistent_ThrowsNoSuchEntryWithoutFdLeak()
    {
        BpfTestEnvironment.RequireBpf();
        FdCount.AssertNoLeak(() =>
        {
            using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
            BpfException tp = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("count_tp").AttachTracepoint("no_such_category", "no_such_event"));
            Assert.Equal(BpfError.NotFound, tp.Error);
            Assert.Contains("no_such_category:no_such_event", tp.Message, StringComparison.Ordinal);
            BpfException raw = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("count_raw").AttachRawTracepoint("no_such_raw_tracepoint"));
            Assert.Equal(BpfError.NotFound, raw.Error);
            Assert.Contains("no such attach point", raw.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Dispose_LoadedObject_ClosesEveryDescriptor()
    {
        BpfTestEnvironment.RequireBpf();
        FdCount.AssertNoLeak(() =>
        {
            BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
            using (obj.GetProgram("count_raw").AttachRawTracepoint("sys_enter"))
            {
                _ = obj.GetMap("raw_counts").Id;
            }

            obj.Dispose();
            obj.Dispose();
            Assert.Throws<ObjectDisposedException>(() => obj.GetMap("raw_counts"));
        });
    }
}
