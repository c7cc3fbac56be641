/* SPDX-License-Identifier: GPL-2.0 */
/*
 * capture.c: the microphone lent to the cappsule while a program in it
 * records. Above stream.h; called by main.c's dispatcher.
 */
#ifndef CAPPSULE_AUDIO_PROXY_CAPTURE_H
#define CAPPSULE_AUDIO_PROXY_CAPTURE_H

#include "state.h"

void capture_start(struct audio_proxy *px);
void capture_stop(struct audio_proxy *px);

#endif
