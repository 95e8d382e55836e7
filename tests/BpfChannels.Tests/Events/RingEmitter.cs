using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

/// <summary>ringbuf_emit.bpf.c loaded, with a reader on its 64 MiB "events" ring buffer.</summary>
internal sealed class RingEmitter : IDisposable
{
    public RingEmitter()
    {
        Object = EventPrograms.Load("ringbuf_emit");
        try
        {
            Reader = new RingBufferReader(Object.GetMap("events"));
        }
        catch
        {
            Object.Dispose();
            throw;
        }
    }

    public BpfObject Object { get; }

    public RingBufferReader Reader { get; }

    /// <summary>Runs emit_records once and asserts that every reservation succeeded.</summary>
    public void Emit(ulong start, uint count, uint discardEvery = 0)
    {
        var args = new EmitArgs { Start = start, Count = count, DiscardEvery = discardEvery };
        Assert.Equal(0u, Object.GetProgram("emit_records").TestRun(ref args));
    }

    public void Dispose()
    {
        Reader.Dispose();
        Object.Dispose();
    }
}
