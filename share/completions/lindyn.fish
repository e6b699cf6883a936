function __lindyn_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __lindyn_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __lindyn_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __lindyn_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __lindyn_parse_tokens -S
    set -l unparsed_tokens (__lindyn_tokens -pc)
    switch $unparsed_tokens[1]
    case 'lindyn'
        __lindyn_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'solve'
            __lindyn_parse_subcommand 1 'format=' 'stepper=' 'epsabs=' 'epsrel=' 'observables' 'allow-large' 'version' 'h/help'
        case 'formula'
            __lindyn_parse_subcommand 1 'format=' 'observables' 'version' 'h/help'
        case 'descend'
            __lindyn_parse_subcommand 1 'format=' 'observables' 'runs=' 'monte-carlo' 'progress' 'allow-large' 'version' 'h/help'
        case 'check'
            __lindyn_parse_subcommand 1 'format=' 'stepper=' 'epsabs=' 'epsrel=' 'tolerance=' 'allow-large' 'version' 'h/help'
        case 'stiffness'
            __lindyn_parse_subcommand 1 'format=' 'samples=' 'explicit=' 'implicit=' 'tolerance=' 'max-steps=' 'cutoff=' 'ratio=' 'allow-large' 'version' 'h/help'
        case 'validate'
            __lindyn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'run'
                __lindyn_parse_subcommand -r 1 'out=' 'resume' 'shard=' 'no-plots' 'columns=+' 'figure-formats=' 'quick' 'workers=' 'allow-large' 'version' 'h/help'
            case 'merge'
                __lindyn_parse_subcommand -r 1 'out=' 'no-plots' 'allow-partial' 'version' 'h/help'
            end
        case 'cluster'
            __lindyn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'submit'
                __lindyn_parse_subcommand -r 1 'out=' 'tasks=' 'partition=' 'time=' 'mem=' 'cpus-per-task=' 'quick' 'no-plots' 'dry-run' 'version' 'h/help'
            case 'status'
                __lindyn_parse_subcommand 1 'format=' 'version' 'h/help'
            case 'resubmit'
                __lindyn_parse_subcommand 1 'dry-run' 'version' 'h/help'
            end
        case 'demo'
            __lindyn_parse_subcommand 0 'out=' 'quick' 'resume' 'large-figures' 'version' 'h/help'
        case 'equations'
            __lindyn_parse_subcommand 1 'latex' 'format=' 'allow-large' 'version' 'h/help'
        case 'plot'
            __lindyn_parse_subcommand 1 'out=' 'from=' 'figure-formats=' 'stepper=' 'log-x' 'log-y' 'no-descent' 'title=' 'allow-large' 'version' 'h/help'
        case 'version'
            __lindyn_parse_subcommand 0 'json' 'version' 'h/help'
        case 'repeat'
            __lindyn_parse_subcommand 1 'out=' 'version' 'h/help'
        case 'help'
            __lindyn_parse_subcommand -r 1 'version'
        end
    end
end

function __lindyn_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __lindyn_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __lindyn_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __lindyn_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__lindyn_tokens -p)
    if test -z "$(__lindyn_tokens -t)"
        set -l index (count (__lindyn_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'lindyn' -f
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'solve' -d 'Integrate a problem\'s ODE (system, loss or model) with a GSL odeiv2 stepper.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'formula' -d 'Evaluate the closed-form solution of a built-in model at the output times, with derived quantities (fixed_point, half_time, time_to_learn, dropout_time_bound, gd_stability_limit).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'descend' -d 'Run discrete full-batch gradient descent (learning rate 1/tau) on a loss or model problem; t counts epochs.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'check' -d 'Check a candidate closed form against a loss, a system or a data-backed model across a grid of parameters.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'stiffness' -d 'Jacobian eigenvalue analysis along a problem\'s trajectory, and explicit-versus-implicit step counts with a stiff / not stiff verdict.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'validate' -d 'Run validation grids: compare integrator, descent and closed form at every point; write error, stiffness and work-precision tables and plots.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'cluster' -d 'Run validation grids on a Slurm cluster: a job array of shards plus a dependent merge; track and recover it.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'demo' -d 'The main job on built-in defaults: validate the shipped grids (compiled in) and write tables and plots to ./lindyn-out/.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'equations' -d 'Print the ODE right-hand sides and the symbolic Jacobian of a system or loss problem (the gradient flow -grad L / tau for a loss).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'plot' -d 'Draw one problem\'s trajectories as an SVG figure: closed-form lines (where one exists), gradient-descent points (for gradient flows) and the ODE integration dotted.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'version' -d 'Print Lindyn\'s version, the source commit, the GSL and OpenBLAS versions, the Swift version and the build configuration.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'repeat' -d 'Run again the command recorded in a provenance record (a run\'s provenance.json, its directory, or a JSON output of lindyn).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn solve" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" format' -l 'format' -d 'Output format: table, json or csv.' -rfka 'table json csv'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" stepper' -l 'stepper' -d 'GSL stepper, overriding the file: rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf.' -rfka 'rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" epsabs' -l 'epsabs' -d 'Absolute tolerance (GSL epsabs), overriding the file.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" epsrel' -l 'epsrel' -d 'Relative tolerance (GSL epsrel), overriding the file.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" observables' -l 'observables' -d 'Print only t and the observables (mode strengths), not every state variable or weight.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" allow-large' -l 'allow-large' -d 'Accept expressions, systems and Jacobians beyond the size limits (see README, Limits).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn solve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn formula" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn formula" format' -l 'format' -d 'Output format: table, json or csv.' -rfka 'table json csv'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn formula" observables' -l 'observables' -d 'Print only t and the observables (mode strengths), not every state variable or weight.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn formula" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn formula" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn descend" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" format' -l 'format' -d 'Output format: table, json or csv.' -rfka 'table json csv'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" observables' -l 'observables' -d 'Print only t and the observables (mode strengths), not every state variable or weight.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" runs' -l 'runs' -d 'Runs to average (Monte-Carlo dropout), overriding descent.runs.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" monte-carlo' -l 'monte-carlo' -d 'Resample dropout masks every epoch instead of descending the expected loss.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" progress' -l 'progress' -d 'Report progress on standard error (shown by default when it is a terminal and the descent is long).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" allow-large' -l 'allow-large' -d 'Raise the size limits (descent epochs and runs, grid points, variables for implicit steppers, stiffness samples) to the large ones listed in the README.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn descend" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn check" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" format' -l 'format' -d 'Output format: table, json or csv.' -rfka 'table json csv'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" stepper' -l 'stepper' -d 'GSL stepper, overriding the file: rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf.' -rfka 'rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" epsabs' -l 'epsabs' -d 'Absolute tolerance (GSL epsabs), overriding the file.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" epsrel' -l 'epsrel' -d 'Relative tolerance (GSL epsrel), overriding the file.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" tolerance' -l 'tolerance' -d 'Tolerance of checks 1, 3 and 4 (and of a model check\'s formula), overriding the file.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" allow-large' -l 'allow-large' -d 'Accept expressions, systems and Jacobians beyond the size limits (see README, Limits).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn stiffness" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" format' -l 'format' -d 'Output format: table, json or csv.' -rfka 'table json csv'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" samples' -l 'samples' -d 'Points along the trajectory (the start and evenly spaced times up to the end).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" explicit' -l 'explicit' -d 'Explicit stepper of the step-count comparison.' -rfka 'rk2 rk4 rkf45 rkck rk8pd msadams'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" implicit' -l 'implicit' -d 'Implicit stepper of the step-count comparison.' -rfka 'rk1imp rk2imp rk4imp bsimp msbdf'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" tolerance' -l 'tolerance' -d 'Absolute and relative tolerance of the step-count runs.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" max-steps' -l 'max-steps' -d 'Step cap of the explicit run (reaching it counts as giving up).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" cutoff' -l 'cutoff' -d 'Relative cut-off below which an eigenvalue counts as null.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" ratio' -l 'ratio' -d 'Step ratio from which the problem counts as stiff.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" allow-large' -l 'allow-large' -d 'Accept expressions, systems and Jacobians beyond the size limits (see README, Limits).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn stiffness" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn validate" -eq 1' -fa 'run' -d 'Run validation grids (the default subcommand: `lindyn validate FILE... --out DIR`).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn validate" -eq 1' -fa 'merge' -d 'Join the output directories of sharded runs (their journals) into one set of tables and plots.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn validate run" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" out' -l 'out' -d 'Output directory for the tables, plots and journal.' -rfa '(__lindyn_complete_directories)'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" resume' -l 'resume' -d 'Keep the points already in DIR/journal.jsonl and run only the rest.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" shard' -l 'shard' -d 'Run one shard, k/n (1 <= k <= n).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" no-plots' -l 'no-plots' -d 'Write the tables only.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run"' -l 'columns' -d 'Columns of a LaTeX table, TABLE=COLUMN,COLUMN,... (repeatable).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" figure-formats' -l 'figure-formats' -d 'Formats written beside each SVG figure, comma-separated: png, pdf (needs rsvg-convert).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" quick' -l 'quick' -d 'A quick run: each axis keeps its first and last value, two steppers, the tightest tolerance.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" workers' -l 'workers' -d 'Points run at once (default: SLURM_CPUS_PER_TASK inside a Slurm job, else the number of cores).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" allow-large' -l 'allow-large' -d 'Accept expressions, systems and Jacobians beyond the size limits (see README, Limits).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn validate merge" -ge 1' -fa '(__lindyn_complete_directories)'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate merge" out' -l 'out' -d 'Output directory for the merged tables, plots and journal.' -rfa '(__lindyn_complete_directories)'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate merge" no-plots' -l 'no-plots' -d 'Write the tables only.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate merge" allow-partial' -l 'allow-partial' -d 'Merge an incomplete or mismatched set anyway, marking the tables as partial.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate merge" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn validate merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn cluster" -eq 1' -fa 'submit' -d 'Submit validation grids as a Slurm job array of N shards plus a dependent merge job.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn cluster" -eq 1' -fa 'status' -d 'Per shard: points done, failed and left (from the journals), the task\'s state (from squeue, sacct or scontrol), and what to do next.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn cluster" -eq 1' -fa 'resubmit' -d 'Submit again only the shards whose journals are incomplete (each continues its journal), and the merge after them.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" out' -l 'out' -d 'Run directory (new, or empty).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" tasks' -l 'tasks' -d 'Array tasks N (shards), 1 <= N <= the number of points.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" partition' -l 'partition' -d 'Slurm partition (sbatch --partition).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" time' -l 'time' -d 'Time limit per task in Slurm\'s format, e.g. 30, 2:00:00 or 1-00:00:00 (sbatch --time).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" mem' -l 'mem' -d 'Memory per task in Slurm\'s format, e.g. 500M or 4G (sbatch --mem); checked against the estimate.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" cpus-per-task' -l 'cpus-per-task' -d 'Cores per task; each task runs that many points at once.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" quick' -l 'quick' -d 'A quick run: each axis keeps its first and last value, two steppers, the tightest tolerance.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" no-plots' -l 'no-plots' -d 'The merge writes the tables only.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" dry-run' -l 'dry-run' -d 'Print the scripts and sbatch commands; write and submit nothing.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster submit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster status" format' -l 'format' -d 'Output format: table or json.' -rfka 'table json csv'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster status" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster resubmit" dry-run' -l 'dry-run' -d 'Print what would be submitted; submit nothing.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster resubmit" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn cluster resubmit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn demo" out' -l 'out' -d 'Output directory.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn demo" quick' -l 'quick' -d 'A quick run on reduced grids (first and last value of each axis, two steppers, one tolerance).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn demo" resume' -l 'resume' -d 'Keep the points already in the output\'s journal.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn demo" large-figures' -l 'large-figures' -d 'Generalisation figures from larger data sets (N = 400, 10 per point; slower) instead of N = 100, 5 per point.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn demo" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn equations" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn equations" latex' -l 'latex' -d 'Print LaTeX instead of plain text.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn equations" format' -l 'format' -d 'Output format: table (text lines) or json.' -rfka 'table json'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn equations" allow-large' -l 'allow-large' -d 'Accept expressions, systems and Jacobians beyond the size limits (see README, Limits).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn equations" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn equations" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn plot" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" out' -l 'out' -d 'The figure to write: .svg, or .png or .pdf (made with rsvg-convert). With --from, a directory (default DIR/plots).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" from' -l 'from' -d 'Redraw the figures of the validation run saved in this directory (its journal.jsonl).' -rfa '(__lindyn_complete_directories)'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" figure-formats' -l 'figure-formats' -d 'With --from: formats written beside each SVG, comma-separated: png, pdf.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" stepper' -l 'stepper' -d 'GSL stepper for the integration, overriding the file.' -rfka 'rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" log-x' -l 'log-x' -d 'Logarithmic time axis.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" log-y' -l 'log-y' -d 'Logarithmic value axis.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" no-descent' -l 'no-descent' -d 'Leave gradient descent out.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" title' -l 'title' -d 'Figure title (default: the file\'s description, or its name).' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" allow-large' -l 'allow-large' -d 'Accept expressions, systems and Jacobians beyond the size limits (see README, Limits).'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn plot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn version" json' -l 'json' -d 'Print a JSON object instead of text.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn version" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_positional "lindyn repeat" -eq 1' -F
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn repeat" out' -l 'out' -d 'Output directory or file replacing the recorded --out.' -rfka ''
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn repeat" version' -l 'version' -d 'Show the version.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn repeat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lindyn' -n '__lindyn_should_offer_completions_for_flags_or_options "lindyn help" version' -l 'version' -d 'Show the version.'
