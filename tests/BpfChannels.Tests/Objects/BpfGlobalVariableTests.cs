using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>.bss/.data/.rodata variables: initial values before load, live shared values after.</summary>
public sealed class BpfGlobalVariableTests
{
    private static uint Accumulate(BpfObject obj, uint input)
    {
        uint args = input;
        return obj.GetProgram("accumulate").TestRun(ref args);
    }

    private static BpfObject OpenGlobals(TestPinRoot root) => BpfObject.Open(BpfObjectTests.ObjectPath("globals"), new BpfObjectOptions { PinRoot = root.Path });

    [Fact]
    public void GetVariable_SetBeforeLoad_ProgramSeesInitialValues()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        using BpfObject obj = OpenGlobals(root);
        {
            BpfGlobalVariable<uint> scale = obj.GetVariable<uint>("scale");
            BpfGlobalVariable<uint> bias = obj.GetVariable<uint>("bias");
            BpfGlobalVariable<ulong> total = obj.GetVariable<ulong>("total");
            Assert.Equal(".rodata", scale.Section);
            Assert.Equal(".data", bias.Section);
            Assert.Equal(".bss", total.Section);
            Assert.Equal(1u, scale.Value);
            Assert.Equal(100u, bias.Value);

            scale.Value = 3;
            bias.Value = 10;
            obj.Load();
            Assert.Equal(0u, Accumulate(obj, 5));

            Assert.Equal(25ul, total.Value);
            Assert.Equal(1u, obj.GetVariable<uint>("calls").Value);
            Assert.Equal(3u, scale.Value);
        }
    }

    [Fact]
    public void GetVariable_WrittenAfterLoad_ProgramSeesLiveValue()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        using BpfObject obj = OpenGlobals(root);
        {
            obj.Load();
            BpfGlobalVariable<uint> bias = obj.GetVariable<uint>("bias");
            BpfGlobalVariable<ulong> total = obj.GetVariable<ulong>("total");
            bias.Value = 0;
            total.Value = 1000;

            _ = Accumulate(obj, 7);

            Assert.Equal(1007ul, total.Value);
            // The same memory through the map API, key 0 of the .bss map.
            byte[] bss = new byte[obj.GetMap(".bss").ValueSize];
            Assert.True(obj.GetMap(".bss").TryLookup(BitConverter.GetBytes(0u), bss));
            Assert.Equal(1007ul, BitConverter.ToUInt64(bss.AsSpan(total.Offset, 8)));
        }
    }

    [Fact]
    public void GetVariable_RodataAfterLoad_IsReadOnly()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        using BpfObject obj = OpenGlobals(root);
        {
            BpfGlobalVariable<uint> scale = obj.GetVariable<uint>("scale");
            Assert.True(scale.IsWritable);
            obj.Load();

            Assert.False(scale.IsWritable);
            Assert.Throws<InvalidOperationException>(() => scale.Value = 2);
            Assert.Equal(1u, scale.Value);
        }
    }

    [Fact]
    public void GetVariable_WrongSizeOrName_Throws()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        using BpfObject obj = OpenGlobals(root);
        Assert.Throws<ArgumentException>(() => obj.GetVariable<ulong>("scale"));
        KeyNotFoundException e = Assert.Throws<KeyNotFoundException>(() => obj.GetVariable<uint>("nope"));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
    }
}
