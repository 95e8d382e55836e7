namespace BpfChannels.Events;

/// <summary>
/// What a reader does with each record. Readers are generic over a struct sink so the JIT specialises
/// the drain loop per consumer (span callback, typed callback, observer) with no interface dispatch.
/// </summary>
internal interface IRecordSink
{
    void OnRecord(ReadOnlySpan<byte> record);
}
