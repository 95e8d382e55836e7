using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

/// <summary>Copies every record handed to it into a list.</summary>
internal readonly struct CollectingSink(List<byte[]> into) : IRecordHandler
{
    public void OnRecord(ReadOnlySpan<byte> record) => into.Add(record.ToArray());
}
