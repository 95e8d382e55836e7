namespace BpfChannels;

/// <summary>The source of a perf event (<c>enum perf_type_id</c>, linux/perf_event.h).</summary>
public enum BpfPerfEventType : uint
{
    /// <summary>A generalised hardware counter (config: PERF_COUNT_HW_*, 0 is CPU cycles). Virtual machines often have none.</summary>
    Hardware = 0,

    /// <summary>A software counter (config: PERF_COUNT_SW_*, 0 is cpu-clock, 1 task-clock); present everywhere.</summary>
    Software = 1,

    /// <summary>A tracepoint (config: its id under tracefs).</summary>
    Tracepoint = 2,

    /// <summary>A hardware cache counter.</summary>
    HardwareCache = 3,

    /// <summary>A raw, CPU-specific hardware counter.</summary>
    Raw = 4,

    /// <summary>A hardware breakpoint.</summary>
    Breakpoint = 5,
}
