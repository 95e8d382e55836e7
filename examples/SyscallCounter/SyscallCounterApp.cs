using System.Globalization;
using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SyscallCounter;

/// <summary>Builds the SyscallCounter host: the BPF object through its generated bindings, its two map channels and the worker.</summary>
public static class SyscallCounterApp
{
    public const string ObjectName = "counter";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<SyscallCounterOptions>()
            .Bind(builder.Configuration.GetSection(SyscallCounterOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SyscallCounterOptions>, SyscallCounterOptionsValidator>();
        builder.Services.AddBpfChannels(builder.Configuration.GetSection(BpfChannelsOptions.SectionName))
            .AddSyscallCounterBpf(bpf =>
            {
                bpf.ObjectName = ObjectName;
                bpf.WithChannel(m => m.Counts)   // kernel -> .NET: pid -> system calls and the process's name
                   .WithChannel(m => m.Ignored); // .NET -> kernel: pids to leave out
            });
        builder.Services.AddSingleton<TopTable>();
        builder.Services.AddSingleton<SyscallCounterStatus>();
        builder.Services.AddHostedService<SyscallCounterWorker>();
        return builder;
    }

    /// <summary>The running processes whose command name is one of <paramref name="commands"/>.</summary>
    public static IEnumerable<int> FindProcesses(IReadOnlyCollection<string> commands)
    {
        if (commands.Count == 0)
        {
            yield break;
        }

        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            string? command;
            try
            {
                command = File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the process ended while we looked
            }

            if (commands.Contains(command))
            {
                yield return pid;
            }
        }
    }
}
