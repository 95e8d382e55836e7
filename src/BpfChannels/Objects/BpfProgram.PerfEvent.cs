using static BpfChannels.Interop.Errno;
using static BpfChannels.Interop.PerfEvent;

namespace BpfChannels;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches a perf_event program (SEC("perf_event")) to a perf event on one CPU or on every online CPU, sampling
    /// by period or frequency: <c>AttachPerfEvent(BpfPerfEventOptions.CpuClock(99))</c> is a profiler's 99 Hz on every CPU.
    /// </summary>
    /// <param name="options">The event, CPUs, process and sampling.</param>
    /// <returns>One link owning every perf event it opened; disposing it detaches the program from all of them, once.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent (both a period and a frequency, a negative CPU...).</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">perf_event_open refused (ENOENT: the machine has no such event, for example no hardware counters in a VM) or the attachment failed.</exception>
    /// <remarks>Requires Linux 4.9 or later. Uses a BPF link per event (BPF_LINK_CREATE, Linux 5.15) and falls back to PERF_EVENT_IOC_SET_BPF on older kernels. Thread-safe.</remarks>
    public BpfLink AttachPerfEvent(BpfPerfEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ = Handle;
        var attr = new perf_event_attr
        {
            type = (uint)options.Type,
            config = options.Config,
            sample_period = options.SampleFrequency ?? options.SamplePeriod ?? 1,
            flags = ATTR_FLAG_DISABLED | (options.SampleFrequency is null ? 0 : ATTR_FLAG_FREQ),
        };
        string sampling = options.SampleFrequency is { } hz ? $"{hz} Hz" : $"every {options.SamplePeriod ?? 1}";
        string where = options.Cpu is { } c ? $"cpu {c}" : options.ProcessId == -1 ? "every cpu" : "any cpu";
        string target = $"perf_event type {options.Type} config {options.Config} {sampling} on {where}{(options.ProcessId == -1 ? string.Empty : $" pid {options.ProcessId}")}";
        List<int> cpus = options.Cpu is { } cpu ? [cpu] : options.ProcessId == -1 ? KernelEvents.OnlineCpus() : [-1];
        return AttachToPerfEvents(attr, options.ProcessId, cpus, options.Cookie, target);
    }

    /// <summary>
    /// Opens the perf event <paramref name="attr"/> for each CPU and runs this program on each: a BPF link where the
    /// kernel has perf links (5.15), PERF_EVENT_IOC_SET_BPF otherwise; then enables the events. The link owns them all.
    /// </summary>
    internal BpfLink AttachToPerfEvents(perf_event_attr attr, int pid, List<int> cpus, ulong cookie, string target)
    {
        var events = new List<BpfHandle>(cpus.Count);
        var links = new List<BpfHandle>(cpus.Count);
        try
        {
            foreach (int cpu in cpus)
            {
                perf_event_attr copy = attr;
                int errno = OpenEvent(ref copy, pid, cpu, out BpfHandle? perfEvent);
                if (errno != 0)
                {
                    throw PerfEventOpenError(errno, attr, target, cpu);
                }

                events.Add(perfEvent!);
                errno = Interop.Bpf.LinkCreatePerfEvent(Handle, perfEvent!, cookie, out BpfHandle? link);
                if (errno == 0)
                {
                    links.Add(link!);
                }
                else if (errno is EINVAL or EOPNOTSUPP or ENOTSUPP && links.Count == 0)
                {
                    // Kernels before 5.15 have no perf links: the ioctl attaches until the event is closed.
                    errno = SetBpf(perfEvent!, Handle);
                    if (errno != 0)
                    {
                        throw AttachError(errno, BpfCommand.PerfEventIocSetBpf, target);
                    }
                }
                else
                {
                    throw AttachError(errno, BpfCommand.LinkCreate, target);
                }

                errno = Control(perfEvent!, PERF_EVENT_IOC_ENABLE);
                if (errno != 0)
                {
                    throw AttachError(errno, BpfCommand.PerfEventIocEnable, target);
                }
            }
        }
        catch
        {
            Release(links, events);
            throw;
        }

        BpfHandle? pinnable = links.Count == 1 ? links[0] : null;
        if (pinnable is not null)
        {
            links.Clear();
        }

        return new BpfLink(pinnable, () => Release(links, events), $"{target} <- {Name}");
    }

    private static void Release(List<BpfHandle> links, List<BpfHandle> events)
    {
        foreach (BpfHandle link in links)
        {
            link.Dispose();
        }

        foreach (BpfHandle perfEvent in events)
        {
            _ = Control(perfEvent, PERF_EVENT_IOC_DISABLE);
            perfEvent.Dispose();
        }
    }

    private BpfException PerfEventOpenError(int errno, in perf_event_attr attr, string target, int cpu)
    {
        string why = errno switch
        {
            ENOENT or ENODEV or EOPNOTSUPP => attr.type == (uint)BpfPerfEventType.Hardware
                ? "this machine has no such hardware counter (virtual machines often have none; use the software cpu-clock event)"
                : "the kernel has no such event",
            EINVAL => "the kernel refused the event's attributes (an unknown config, or a frequency above kernel.perf_event_max_sample_rate)",
            EACCES or EPERM => "perf events are restricted (kernel.perf_event_paranoid, or CAP_PERFMON is missing)",
            _ => Interop.Errno.Meaning(errno),
        };
        return new BpfException(
            $"Attaching program '{Name}' to {target}: perf_event_open{(cpu >= 0 ? $" on cpu {cpu}" : string.Empty)} failed with {BpfErrors.Name(errno)} ({errno}): {why}.",
            BpfCommand.PerfEventOpen.Name(),
            Name,
            errno);
    }
}
