namespace BpfChannels;

/// <summary>
/// A channel over a map whose sizes are known only at run time (<see cref="MapChannel.Create"/>): the shared
/// machinery with byte-level subscribers only, and no writer.
/// </summary>
internal sealed class ByteMapChannel : MapChannel
{
    public ByteMapChannel(BpfMap map, MapChannelOptions? options)
        : base(map, null, map.KeySize, map.ValueSize, map.IsPerCpu, projection: null, options)
    {
        ConfigureNotifications(Options);
    }

    public override long Writes => 0;

    public override long WriteFailures => 0;
}
