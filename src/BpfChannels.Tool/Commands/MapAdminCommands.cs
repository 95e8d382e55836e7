namespace BpfChannels.Tool;

/// <summary>pin, unpin and freeze.</summary>
internal static class MapAdminCommands
{
    public static Task<int> Pin(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadWrite);
        string path = context.Words.Next("a pin path on bpffs");
        context.Words.ExpectEnd(context.Name);
        if (File.Exists(path))
        {
            throw new UsageException($"Something is already pinned at {path}; unpin it first.");
        }

        map.Pin(path);
        context.Confirm( $"pinned map {map.Id} at {path}");
        return Task.FromResult(ExitCodes.Success);
    }

    public static Task<int> Unpin(CommandContext context, CancellationToken cancellationToken)
    {
        string path = context.Words.Next("a pin path");
        context.Words.ExpectEnd(context.Name);
        if (!BpfMap.Unpin(path))
        {
            throw new NotFoundException($"Nothing is pinned at {path}.");
        }

        context.Confirm( $"unpinned {path}");
        return Task.FromResult(ExitCodes.Success);
    }

    public static Task<int> Freeze(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadWrite);
        context.Words.ExpectEnd(context.Name);
        map.Freeze();
        context.Confirm( $"froze map {map.Id}");
        return Task.FromResult(ExitCodes.Success);
    }
}
