using System.Runtime.InteropServices;
using BpfChannels.Tests.Objects;
using BpfChannels.Tests.Support;
using BpfChannels.Tool;

namespace BpfChannels.Tests.Tool;

/// <summary>bpfchan watch --notified: changes made by a program through the notice wrappers, with no poll to find them.</summary>
public sealed class WatchNotifiedTests
{
    [Fact]
    public async Task Watch_Notified_ProgramChangesDeliveredThroughTheChangeRing()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("notified"));
        BpfMap<uint, ulong> map = obj.GetMap<uint, ulong>("watched");
        map.Update(1, 10);
        var output = new StringWriter();
        TextWriter synchronized = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // A ten-minute interval: no full read can happen during the test, so only the notices can report the changes.
        Task<int> watch = BpfChanCli.RunAsync(["watch", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64", "--interval", "600000", "--count", "2", "--notified"], synchronized, TextWriter.Null, cancel.Token);
        await WaitForAsync(watch, output, "Added 1: 10", cancel.Token);

        var args = new NotifiedArgs { Key = 1, Count = 2, Value = 11 }; // 1 -> 11 (was 10), 2 -> 12 (new)
        Assert.Equal(2, (int)obj.GetProgram("put").TestRun(ref args));

        Assert.Equal(ExitCodes.Success, await watch);
        string[] lines = Text(output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Added 1: 10", "Updated 1: 11 (was 10)", "Added 2: 12"], lines);
    }

    [Fact]
    public async Task Watch_NotifiedWithoutChangeRing_OneLineUsageError()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "chan_no_ring");
        var error = new StringWriter();

        int exit = await BpfChanCli.RunAsync(["watch", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64", "--count", "1", "--notified"], TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, exit);
        string message = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("bpfchan_changes", message, StringComparison.Ordinal);
        Assert.Contains("without --notified", message, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Task<int> watch, StringWriter output, string text, CancellationToken cancellationToken)
    {
        while (!Text(output).Contains(text, StringComparison.Ordinal))
        {
            Assert.False(watch.IsCompleted, $"watch ended early ({(watch.IsCompletedSuccessfully ? watch.Result.ToString(System.Globalization.CultureInfo.InvariantCulture) : watch.Exception?.Message)}): {Text(output)}");
            await Task.Delay(10, cancellationToken);
        }
    }

    private static string Text(StringWriter writer)
    {
        lock (writer)
        {
            return writer.ToString();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NotifiedArgs
    {
        public uint Key;
        public uint Count;
        public ulong Value;
    }
}
