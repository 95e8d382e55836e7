using BpfChannels.Tool;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>
/// The fast path runs the timed commands without System.CommandLine's tree: for every argument vector it takes, its
/// exit code, output and error must be those of the System.CommandLine path, and it must leave every other vector alone.
/// </summary>
public sealed class FastPathTests : IDisposable
{
    private readonly PinDirectory _pins = new();
    private readonly BpfMap<uint, ulong> _map;
    private readonly string _pin;
    private readonly string _name = "fp_" + Guid.NewGuid().ToString("N")[..10];

    public FastPathTests()
    {
        _map = BpfMap.CreateHash<uint, ulong>(8, name: _name);
        _map.Update(1, 10);
        _map.Update(2, 20);
        _pin = _pins["fast"];
        _map.Map.Pin(_pin);
    }

    public void Dispose()
    {
        _map.Dispose();
        _pins.Dispose();
    }

    public static TheoryData<string> Commands => new()
    {
        "map dump pinned {pin}",
        "-j map dump pinned {pin}",
        "map dump pinned {pin} -p",
        "map dump id {id}",
        "map dump name {name} --json",
        "map -j dump {pin}",
        "dump {pin}",
        "dump id:{id} -j",
        "map show pinned {pin}",
        "map list id {id} -j",
        "map show name {name} -f",
        "--pretty map show id {id}",
        "map lookup pinned {pin} key 1 0 0 0",
        "map lookup pinned {pin} key hex 02 00 00 00 -j",
        "lookup {pin} 2",
        "map lookup pinned {pin} key 9 0 0 0",
        "map dump pinned {pin}.missing",
        "map dump id 4294967295",
        "map dump pinned {pin} extra",
        "map lookup pinned {pin} key 1 0",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task TryRun_FastSubset_SameExitOutputAndErrorAsSystemCommandLine(string command)
    {
        string[] args = Args(command);
        var fastOut = new StringWriter();
        var fastError = new StringWriter();
        Task<int>? fast = FastPath.TryRun(args, fastOut, fastError, terminal: false);
        Assert.NotNull(fast);
        int fastExit = await fast;

        var slowOut = new StringWriter();
        var slowError = new StringWriter();
        int slowExit = await BpfChanCli.RunAsync(args, slowOut, slowError, CancellationToken.None, fastPath: false);

        Assert.Equal(slowExit, fastExit);
        Assert.Equal(slowOut.ToString(), fastOut.ToString());
        Assert.Equal(slowError.ToString(), fastError.ToString());
        Assert.False(string.IsNullOrEmpty(fastOut.ToString() + fastError.ToString()), "the command printed nothing");
    }

    [Theory]
    [InlineData("map dump pinned {pin} --help")]
    [InlineData("-h")]
    [InlineData("--version")]
    [InlineData("map dump pinned {pin} --sum")]
    [InlineData("-j false map dump pinned {pin}")]
    [InlineData("@args.rsp")]
    [InlineData("[diagram] map dump pinned {pin}")]
    [InlineData("map dump -- pinned {pin}")]
    [InlineData("map update pinned {pin} key 1 0 0 0 value 1 0 0 0 0 0 0 0")]
    [InlineData("watch {pin}")]
    [InlineData("map")]
    [InlineData("")]
    public void TryRun_OutsideFastSubset_LeftToSystemCommandLine(string command)
    {
        var output = new StringWriter();
        Assert.Null(FastPath.TryRun(Args(command), output, output, terminal: false));
        Assert.Equal(string.Empty, output.ToString());
    }

    private string[] Args(string command) => command.Replace("{pin}", _pin, StringComparison.Ordinal)
        .Replace("{id}", _map.Map.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{name}", _name, StringComparison.Ordinal)
        .Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
