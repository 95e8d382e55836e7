using System.CommandLine;
using BpfChannels.Tool;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>Every command in bpfchan's tree answers --help, and every type that cannot be listed says why.</summary>
public sealed class CommandTreeTests
{
    /// <summary>Every command as typed (its name or an alias), with the name its usage line shows.</summary>
    public static TheoryData<string, string> CommandPaths()
    {
        var paths = new TheoryData<string, string>();
        void Walk(Command command, string path)
        {
            foreach (Command sub in command.Subcommands)
            {
                string named = path.Length == 0 ? sub.Name : path + " " + sub.Name;
                foreach (string typed in sub.Aliases.Prepend(sub.Name))
                {
                    paths.Add(path.Length == 0 ? typed : path + " " + typed, named);
                }

                Walk(sub, named);
            }
        }

        Walk(BpfChanCli.Build(TextWriter.Null, TextWriter.Null, terminal: false), string.Empty);
        return paths;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Help_EveryCommandInTheTree_UsageOfThatCommandAndSuccess(string typed, string named)
    {
        (int exit, string output, string error) = await BpfChanAsync([.. typed.Split(' '), "--help"]);

        Assert.True(exit == ExitCodes.Success, $"bpfchan {typed} --help exited {exit}: {error}");
        Assert.Empty(error);
        // The usage line names the command after the program's name (bpfchan, or the test host here).
        string[] lines = output.Split('\n');
        int usage = Array.IndexOf(lines, "Usage:");
        Assert.True(usage >= 0 && usage + 1 < lines.Length, output);
        string usageLine = lines[usage + 1].Trim();
        Assert.StartsWith(named + " ", usageLine[(usageLine.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
    }

    [Theory]
    [InlineData(BpfMapType.StructOps, "struct_ops", "bpftool struct_ops dump")]
    [InlineData(BpfMapType.RingBuffer, "ringbuf", "bpfchan events")]
    [InlineData(BpfMapType.UserRingBuffer, "user_ringbuf", "drained by a program")]
    [InlineData(BpfMapType.BloomFilter, "bloom_filter", "cannot be listed")]
    [InlineData(BpfMapType.Queue, "queue", "'bpfchan peek'")]
    [InlineData(BpfMapType.Stack, "stack", "'bpfchan peek'")]
    [InlineData(BpfMapType.SkStorage, "sk_storage", "does not let user space walk it")]
    [InlineData(BpfMapType.InodeStorage, "inode_storage", "does not let user space walk it")]
    [InlineData(BpfMapType.TaskStorage, "task_storage", "does not let user space walk it")]
    public void WhyNotIterable_TypeWithoutKeysToWalk_KernelNameAndWhatToUseInstead(BpfMapType type, string kernelName, string instead)
    {
        var info = new BpfMapInfo { Id = 1, Type = type, Name = "probe", KeySize = 0, ValueSize = 8, MaxEntries = 1, Flags = BpfMapFlags.None, IsFrozen = false };

        string? reason = MapKinds.WhyNotIterable(info);

        Assert.NotNull(reason);
        Assert.StartsWith($"{kernelName} map 'probe' ", reason);
        Assert.Contains(instead, reason);
    }

    [Theory]
    [InlineData(BpfMapType.Hash)]
    [InlineData(BpfMapType.PerCpuArray)]
    [InlineData(BpfMapType.ArrayOfMaps)]
    [InlineData(BpfMapType.CgroupStorage)]
    public void WhyNotIterable_TypeWithKeys_Null(BpfMapType type)
    {
        var info = new BpfMapInfo { Id = 1, Type = type, Name = "probe", KeySize = 4, ValueSize = 8, MaxEntries = 1, Flags = BpfMapFlags.None, IsFrozen = false };

        Assert.Null(MapKinds.WhyNotIterable(info));
    }
}
