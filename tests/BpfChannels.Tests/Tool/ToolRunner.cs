using System.Text.Json.Nodes;
using BpfChannels.Tests.Support;
using BpfChannels.Tool;

namespace BpfChannels.Tests.Tool;

/// <summary>Runs bpfchan in-process and bpftool as a process, and compares their JSON after parsing.</summary>
internal static class ToolRunner
{
    public static async Task<(int Exit, string Output, string Error)> BpfChanAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await BpfChanCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>bpfchan's JSON output of a command that must succeed.</summary>
    public static async Task<JsonNode?> BpfChanJsonAsync(params string[] args)
    {
        (int exit, string output, string error) = await BpfChanAsync(args);
        Assert.True(exit == ExitCodes.Success, $"bpfchan {string.Join(' ', args)} exited {exit}: {error}");
        return JsonNode.Parse(output);
    }

    public static JsonNode? BpftoolJson(params string[] args) => JsonNode.Parse(BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("bpftool"), ["-j", .. args]));

    public static void Bpftool(params string[] args) => BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("bpftool"), args);

    public static void AssertSameJson(JsonNode? expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what}\nbpftool: {expected?.ToJsonString()}\nbpfchan: {actual?.ToJsonString()}");

    /// <summary>A directory on bpffs unique to one test, removed with everything pinned in it.</summary>
    public sealed class PinDirectory : IDisposable
    {
        public PinDirectory()
        {
            BpfTestEnvironment.RequireBpfFs();
            Path = System.IO.Path.Combine(BpfSystem.DefaultBpfFsPath, "bpfchan_" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string this[string name] => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
