#!/usr/bin/python3
"""Train a stemstream mask network.

    /usr/bin/python3 training/scripts/train.py --config training/configs/guitar-small.yaml \
        [--data DIR] [--val DIR] [--steps N] [--device cpu|cuda] [--set train.lr=3e-4 ...]
    npm run train -- --config training/configs/guitar-small.yaml
    ... --resume            # continue runs/<name>/last.pt (config from the checkpoint + overrides)

Writes ``<runs_dir>/<name>/{last.pt,best.pt,log.jsonl,config.json}``; checkpoints every
``train.checkpoint_every`` steps and on SIGINT/SIGTERM (then exits 130/143). With ``export.dir``
set (or ``--export-dir``), exports the best (else last) checkpoint as a model package at the end.
Exit codes: 0 done (steps reached or early stop), 2 bad config/data, 130/143 interrupted.

Several processes (GPUs or machines) train one model with PyTorch's DDP under ``torchrun``:

    torchrun --nproc_per_node=4 training/scripts/train.py --config ...   # batch = 4 x train.batch_size

Every rank draws its own crops; gradients are averaged; rank 0 alone validates, logs and writes
checkpoints, and a stop decided anywhere (early stop, signal, time budget) stops every rank.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import sys
import time
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from torch.nn.parallel import DistributedDataParallel  # noqa: E402

from stemstream_train import config as config_mod  # noqa: E402
from stemstream_train.averaging import WeightAverage  # noqa: E402
from stemstream_train.checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state  # noqa: E402
from stemstream_train.data import CropDataset, DatasetError, load_tracks  # noqa: E402
from stemstream_train.evaluate import crop_loss, track_sdrs  # noqa: E402
from stemstream_train.export import export_checkpoint, git_commit  # noqa: E402
from stemstream_train.losses import batch_loss  # noqa: E402
from stemstream_train.model import count_trainable_params, masks_in  # noqa: E402
from stemstream_train.networks import build_net  # noqa: E402
from stemstream_train.schedule import fitted_steps, lr_at  # noqa: E402
from stemstream_train.transforms import SignalConfig  # noqa: E402

Log = Callable[[str], None]


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Train a stemstream stacked-hourglass mask network.")
    p.add_argument("--config", help="YAML or JSON config (see training/configs/)")
    p.add_argument("--name", help="run name (runs/<name>/)")
    p.add_argument("--data", action="append", help="training dataset folder (overrides data.train; repeat to train on several)")
    p.add_argument("--val", help="validation dataset folder (overrides data.val)")
    p.add_argument("--steps", type=int, help="total optimisation steps")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--device", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--runs-dir", help="where runs/<name>/ goes (default runs)")
    p.add_argument("--export-dir", help="export a model package here at the end")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override, e.g. train.lr=3e-4 (repeatable)")
    p.add_argument("--resume", nargs="?", const="last", help="resume runs/<name>/last.pt, or the given checkpoint")
    p.add_argument("--stop-after", type=int, help="stop (with a checkpoint) after this many steps in this run")
    p.add_argument("--dry-run", action="store_true", help="print the resolved config and exit")
    return p


def cli_layer(args: argparse.Namespace) -> Dict[str, Any]:
    """The dedicated flags as a config layer (typed: paths are never YAML-parsed)."""
    layer: Dict[str, Any] = {}
    pairs = [
        ("name", args.name),
        ("data.train", args.data[0] if args.data and len(args.data) == 1 else args.data),
        ("data.val", args.val),
        ("train.steps", args.steps),
        ("train.batch_size", args.batch_size),
        ("train.lr", args.lr),
        ("seed", args.seed),
        ("train.device", args.device),
        ("runs_dir", args.runs_dir),
        ("export.dir", args.export_dir),
    ]
    for key, value in pairs:
        if value is None:
            continue
        node = layer
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return layer


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise config_mod.ConfigError(f"device {name!r} requested but CUDA is not available")
    return torch.device(name)


class Ranks:
    """This process's place under torchrun (world 1 without it)."""

    def __init__(self) -> None:
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local = int(os.environ.get("LOCAL_RANK", "0"))
        self.main = self.rank == 0

    def start(self, device: torch.device) -> None:
        if self.world > 1 and not dist.is_initialized():
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    def any(self, flag: int) -> int:
        """The largest ``flag`` over the ranks (a stop code anywhere stops everyone)."""
        if self.world == 1:
            return flag
        t = torch.tensor([flag], dtype=torch.int64)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return int(t.item())

    def in_sync(self, net: torch.nn.Module) -> bool:
        """True when every rank holds the same weights (DDP's promise; checked at the end)."""
        if self.world == 1:
            return True
        total = torch.stack([p.detach().double().sum().cpu() for p in net.parameters()]).sum().reshape(1)
        everyone = [torch.zeros_like(total) for _ in range(self.world)]
        dist.all_gather(everyone, total)
        return all(bool(torch.equal(e, everyone[0])) for e in everyone)

    def finish(self) -> None:
        """Leave the process group together: a rank that exits while another still talks to it
        (rank 0 writing the last checkpoint) dies in gloo's teardown ("terminate called without an
        active exception", SIGABRT) on torch 1.13."""
        if self.world > 1 and dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Stopper:
    """SIGINT/SIGTERM set a flag; the loop checkpoints after the current step and exits."""

    def __init__(self) -> None:
        self.signum: Optional[int] = None
        self._old: Dict[int, Any] = {}

    def __enter__(self) -> "Stopper":
        for s in (signal.SIGINT, signal.SIGTERM):
            self._old[s] = signal.signal(s, self._handle)
        return self

    def _handle(self, signum: int, _frame: Any) -> None:
        self.signum = signum

    def __exit__(self, *exc: Any) -> None:
        for s, h in self._old.items():
            signal.signal(s, h)


STOP_CODES = {"early-stop": 1, "stop-after": 2, "time-budget": 3, "interrupted": 4}
STOP_NAMES = {v: k for k, v in STOP_CODES.items()}


def train(cfg: Dict[str, Any], resume: Optional[Dict[str, Any]] = None, stop_after: Optional[int] = None, log: Log = print) -> Dict[str, Any]:
    """Run the loop. Returns ``{"status": "done"|"early-stop"|"interrupted"|"time-budget"|"stop-after",
    "step", "run_dir", "signum"}``."""
    t_cfg, v_cfg = cfg["train"], cfg["val"]
    signal_cfg = SignalConfig(chunk_frames=64)
    ranks = Ranks()
    device = pick_device(str(t_cfg["device"]))
    if device.type == "cuda" and ranks.world > 1:
        device = torch.device("cuda", ranks.local)
        torch.cuda.set_device(device)
    ranks.start(device)
    if t_cfg["threads"]:
        torch.set_num_threads(int(t_cfg["threads"]))
    seed_everything(int(cfg["seed"]))  # the same on every rank: DDP also broadcasts rank 0's weights
    run_dir = os.path.join(cfg["runs_dir"], cfg["name"])
    if ranks.main:
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
    else:
        log = lambda _s: None  # noqa: E731

    data = cfg["data"]
    tracks = load_tracks(data["train"], signal_cfg, data["max_tracks"])
    # Each rank its own crop stream (rank 0 keeps the single-process one).
    crop_seed = int(cfg["seed"]) + 1_000_003 * ranks.rank
    train_set = CropDataset(tracks, signal_cfg, t_cfg["frames"], config_mod.augment_cfg(cfg), crop_seed, data["cache"], data["cache_limit_gb"])
    val_tracks = load_tracks(data["val"], signal_cfg) if data["val"] and ranks.main else []
    val_batches = CropDataset(val_tracks, signal_cfg, t_cfg["frames"], cache="audio").fixed_batches(v_cfg["crop_batches"], t_cfg["batch_size"]) if val_tracks else []

    net = build_net(config_mod.model_cfg(cfg)).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=float(t_cfg["lr"]))
    loss_cfg = config_mod.loss_cfg(cfg)
    step, history, best_val, bad_checks, elapsed = 0, [], math.inf, 0, 0.0
    if resume is not None:
        net.load_state_dict(resume["model"])
        optimizer.load_state_dict(resume["optimizer"])
        for group in optimizer.param_groups:  # a changed lr in the config wins
            group["lr"] = float(t_cfg["lr"])
        step, history = int(resume["step"]), list(resume["history"])
        best_val, bad_checks, elapsed = float(resume["best_val"]), int(resume["bad_checks"]), float(resume["elapsed_s"])
        set_rng_state(resume["rng"])
    # A run resumed without an average (e.g. a fine-tune of an older checkpoint) starts one here.
    ema_decay = float(t_cfg["ema"])
    average = WeightAverage(net, ema_decay, resume.get("ema") if resume else None, int(resume.get("ema_updates", 0)) if resume else 0) if ema_decay else None
    scored = average.net if average else net  # what validation scores and export ships
    # Training goes through DDP's forward when there are ranks to average gradients with.
    trained: torch.nn.Module = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None) if ranks.world > 1 else net
    masks_of = masks_in(t_cfg["precision"], device, trained)
    log(
        f"{cfg['name']}: {count_trainable_params(net):,} params, {len(train_set)} songs ({train_set.nb_crops:,} crops, cache {train_set.cache}), "
        f"{len(val_tracks)} val songs, device {device}, {t_cfg['precision']}" + (f", {ranks.world} ranks (batch {ranks.world} x {t_cfg['batch_size']})" if ranks.world > 1 else "")
        + f", {'resuming at step %d' % step if resume else 'from scratch'}"
    )

    log_path = os.path.join(run_dir, "log.jsonl")

    def record(entry: Dict[str, Any]) -> None:
        history.append(entry)
        if not ranks.main:
            return
        with open(log_path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def state() -> Dict[str, Any]:
        return {
            "model": net.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": step,
            "config": cfg,
            "history": history,
            "rng": rng_state(),
            "best_val": best_val,
            "bad_checks": bad_checks,
            "elapsed_s": elapsed,
            "device": str(device),
            **({"ema": average.state_dict(), "ema_updates": average.updates} if average else {}),
            "commit": git_commit(),
            "params": count_trainable_params(net),
            "epoch_crops": max(1, train_set.nb_crops // t_cfg["frames"]),  # non-overlapping crops per epoch
        }

    status, stop = "done", 0
    start_step, t_run, window_losses, t_window = step, time.time(), [], time.time()
    # The fit happens once: it is then recorded as done (with the steps it chose), so resuming
    # the checkpoint follows the same curve. Resuming with the flag set again fits anew from there
    # (e.g. annealing a finished run within this session's minutes: decay_start = its step).
    fit_pending = bool(t_cfg["fit_steps_to_minutes"])
    net.train()
    with Stopper() as stopper:
        while step < t_cfg["steps"]:
            t0 = time.time()
            batch = train_set.batch(step, t_cfg["batch_size"])
            loss = batch_loss(masks_of, batch, loss_cfg, device)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, t_cfg)
            if t_cfg["grad_clip"]:
                torch.nn.utils.clip_grad_norm_(net.parameters(), float(t_cfg["grad_clip"]))
            optimizer.step()
            if average:
                average.update(net)
            step += 1
            elapsed += time.time() - t0
            window_losses.append(float(loss))

            if step % t_cfg["log_every"] == 0 or step == t_cfg["steps"]:
                sec = (time.time() - t_window) / len(window_losses)
                entry = {"kind": "train", "step": step, "loss": float(np.mean(window_losses)), "sec_per_step": round(sec, 4), "elapsed_s": round(elapsed, 1), "lr": optimizer.param_groups[0]["lr"]}
                record(entry)
                eta = (t_cfg["steps"] - step) * sec
                log(f"step {step}/{t_cfg['steps']} loss {entry['loss']:.5f} {sec:.3f} s/step eta {eta / 60:.1f} min")
                window_losses, t_window = [], time.time()
                # The second window: the first holds start-up (CUDA kernels, caches).
                if fit_pending and step - start_step >= 2 * t_cfg["log_every"]:
                    fit_pending = False
                    left = 60 * float(t_cfg["max_minutes"]) - (time.time() - t_run)
                    # Under DDP every rank must stop at the same step: they agree on the largest fit.
                    t_cfg["steps"] = ranks.any(fitted_steps(step, sec, left, t_cfg["decay_start"]))
                    t_cfg["fit_steps_to_minutes"] = False
                    record({"kind": "fit", "step": step, "steps": t_cfg["steps"], "sec_per_step": round(sec, 4)})
                    log(f"fit: {sec:.4f} s/step leaves {left / 60:.1f} min: train.steps = {t_cfg['steps']}")

            if val_tracks and step % t_cfg["val_every"] == 0:
                v = {"kind": "val", "step": step, "val_loss": crop_loss(scored, val_batches, loss_cfg, device)}
                if v_cfg["sdr_tracks"]:
                    v.update(track_sdrs(scored, val_tracks[: v_cfg["sdr_tracks"]], signal_cfg, v_cfg["max_seconds"], device))
                improved = v["val_loss"] < best_val
                best_val, bad_checks = (v["val_loss"], 0) if improved else (best_val, bad_checks + 1)
                v["best"] = improved
                record(v)
                log(f"val step {step}: loss {v['val_loss']:.5f}" + (f" sdr inst {v['sdr_quick_instrument_median']:.2f} dB" if "sdr_quick_instrument_median" in v else "") + (" (best)" if improved else ""))
                if improved:
                    save_checkpoint(os.path.join(run_dir, "best.pt"), state())
                if t_cfg["patience"] and bad_checks >= t_cfg["patience"]:
                    log(f"early stop: no val improvement in {bad_checks} checks")
                    stop = STOP_CODES["early-stop"]

            if ranks.main and step % t_cfg["checkpoint_every"] == 0:
                save_checkpoint(os.path.join(run_dir, "last.pt"), state())
            if stopper.signum is not None:
                stop = max(stop, STOP_CODES["interrupted"])
            if stop_after is not None and step - start_step >= stop_after:
                stop = max(stop, STOP_CODES["stop-after"])
            if t_cfg["max_minutes"] and time.time() - t_run > 60 * float(t_cfg["max_minutes"]):
                stop = max(stop, STOP_CODES["time-budget"])
            stop = ranks.any(stop)
            if stop:
                status = STOP_NAMES[stop]
                break
        if not ranks.in_sync(net):
            raise RuntimeError("DDP ranks ended with different weights")
        if ranks.main:
            save_checkpoint(os.path.join(run_dir, "last.pt"), state())
    record({"kind": "end", "step": step, "status": status, "elapsed_s": round(elapsed, 1)})
    log(f"{status} at step {step}; checkpoint {os.path.join(run_dir, 'last.pt')}")
    # DDP's reducer must go while the process group lives: freed on return, after finish(), it
    # hung a rank in teardown (seen once in a clean-clone CI run, rank 1 stuck on leaving train()).
    del masks_of, trained
    ranks.finish()
    return {"status": status, "step": step, "run_dir": run_dir, "signum": stopper.signum}


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    try:
        file_layer = config_mod.load_file(args.config) if args.config else {}
        flags = cli_layer(args)
        resume_state = None
        if args.resume:
            path = args.resume
            if path == "last":
                base = config_mod.resolve(file_layer, flags, overrides=args.set)
                path = os.path.join(base["runs_dir"], base["name"], "last.pt")
            resume_state = load_checkpoint(path)
            # The checkpoint's config, then only what the command line changes (e.g. more steps).
            cfg = config_mod.resolve(resume_state["config"], flags, overrides=args.set)
        else:
            cfg = config_mod.resolve(file_layer, flags, overrides=args.set)
        if args.dry_run:
            print(json.dumps(cfg, indent=2))
            return 0
        result = train(cfg, resume_state, args.stop_after, log=lambda s: print(s, flush=True))
    except (config_mod.ConfigError, DatasetError, FileNotFoundError) as e:
        print(f"train: {e}", file=sys.stderr)
        return 2
    if result["status"] == "interrupted":
        return 128 + int(result["signum"] or signal.SIGINT)
    export_dir = cfg["export"]["dir"]
    if export_dir and Ranks().main:
        run_dir = result["run_dir"]
        best = os.path.join(run_dir, "best.pt")
        ckpt = best if os.path.exists(best) else os.path.join(run_dir, "last.pt")
        manifest = export_checkpoint(ckpt, export_dir, val_dir=cfg["data"]["val"], log=lambda s: print(s, flush=True))
        print(f"exported {ckpt} -> {export_dir} ({manifest['architecture']['trainable_params']:,} params)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
