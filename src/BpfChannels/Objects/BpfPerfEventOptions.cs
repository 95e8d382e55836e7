namespace BpfChannels;

/// <summary>
/// Which perf event a SEC("perf_event") program runs on (<see cref="BpfProgram.AttachPerfEvent"/>): the event's type
/// and config, the CPU or every online CPU, the process, and how often it samples (a period of events, or a frequency).
/// </summary>
/// <remarks>Set at most one of <see cref="SamplePeriod"/> and <see cref="SampleFrequency"/>; with neither, every event is a sample.</remarks>
public sealed class BpfPerfEventOptions
{
    /// <summary>PERF_COUNT_SW_CPU_CLOCK: the software event a profiler samples on when there are no hardware counters.</summary>
    public const ulong SoftwareCpuClock = 0;

    /// <summary>PERF_COUNT_HW_CPU_CYCLES.</summary>
    public const ulong HardwareCpuCycles = 0;

    /// <summary>The event's source.</summary>
    public BpfPerfEventType Type { get; init; } = BpfPerfEventType.Software;

    /// <summary>The event within its source (PERF_COUNT_HW_*, PERF_COUNT_SW_*, a tracepoint id...).</summary>
    public ulong Config { get; init; }

    /// <summary>
    /// The one CPU to open the event on, or <see langword="null"/> (the default) for one event on every online CPU
    /// (or, with a <see cref="ProcessId"/>, one event that follows the process on any CPU).
    /// </summary>
    public int? Cpu { get; init; }

    /// <summary>Only this process counts (-1, the default: every process on the CPU).</summary>
    public int ProcessId { get; init; } = -1;

    /// <summary>Run the program once every this many events (sample_period).</summary>
    public ulong? SamplePeriod { get; init; }

    /// <summary>Run the program this many times a second (sample_freq, with the kernel adjusting the period).</summary>
    public ulong? SampleFrequency { get; init; }

    /// <summary>A value the program reads with bpf_get_attach_cookie (ignored where the program is attached by ioctl).</summary>
    /// <remarks>Requires Linux 5.15 or later.</remarks>
    public ulong Cookie { get; init; }

    /// <summary>The profiler's choice: the software cpu-clock event at <paramref name="hertz"/> on every online CPU.</summary>
    /// <param name="hertz">Samples per second per CPU, for example 99.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hertz"/> is 0.</exception>
    public static BpfPerfEventOptions CpuClock(ulong hertz)
    {
        ArgumentOutOfRangeException.ThrowIfZero(hertz);
        return new BpfPerfEventOptions { Type = BpfPerfEventType.Software, Config = SoftwareCpuClock, SampleFrequency = hertz };
    }

    /// <summary>Hardware CPU cycles at <paramref name="hertz"/> on every online CPU (fails where the machine has no hardware counters).</summary>
    /// <param name="hertz">Samples per second per CPU.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hertz"/> is 0.</exception>
    public static BpfPerfEventOptions CpuCycles(ulong hertz)
    {
        ArgumentOutOfRangeException.ThrowIfZero(hertz);
        return new BpfPerfEventOptions { Type = BpfPerfEventType.Hardware, Config = HardwareCpuCycles, SampleFrequency = hertz };
    }

    /// <summary>Checks the options before any syscall.</summary>
    internal void Validate()
    {
        if (SamplePeriod is not null && SampleFrequency is not null)
        {
            throw new ArgumentException("Set SamplePeriod or SampleFrequency, not both.", nameof(SampleFrequency));
        }

        if (SamplePeriod == 0 || SampleFrequency == 0)
        {
            throw new ArgumentOutOfRangeException(SamplePeriod == 0 ? nameof(SamplePeriod) : nameof(SampleFrequency), "0 samples nothing; leave it null for every event.");
        }

        if (Cpu < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Cpu), Cpu, "A CPU number, or null for every online CPU.");
        }

        if (ProcessId < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(ProcessId), ProcessId, "A process id, or -1 for every process.");
        }
    }
}
